package io.audiencelake.common.feeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class NormaliseTest {
    @Test
    void phonesBecomeE164ReadingNationalNumbersInTheGivenCountry() {
        assertEquals("+447911123456", Phones.e164("07911 123456", "GB"));
        assertEquals("+447911123456", Phones.e164("+44 (0)7911 123456", "DE"));
        assertEquals("+447911123456", Phones.e164("0044-7911-123-456", "GB"));
        assertEquals("+4915112345678", Phones.e164("0151 12345678", "DE"));
        assertEquals("+33612345678", Phones.e164("06 12 34 56 78", "FR"));
        assertEquals("+14152001234", Phones.e164("(415) 200-1234", "US"));
        assertNull(Phones.e164("12", "GB"));
        assertNull(Phones.e164("07700 900123", "GB"), "Ofcom's drama range is not a real number");
        assertNull(Phones.e164("06 12 34 56 78", "GB"), "a French national number is not valid read as British");
        assertNull(Phones.e164("not a phone", "GB"));
        assertNull(Phones.e164("   ", "GB"));
    }

    @Test
    void ipsAreKeptAsTheirNetworkPrefix() {
        assertEquals("81.2.69.0/24", IpAddresses.prefix("81.2.69.160"));
        assertEquals("81.2.69.0/24", IpAddresses.prefix(" 081.002.069.001 "));
        assertEquals("2a02:c7c:1::/48", IpAddresses.prefix("2a02:c7c:1:2:3:4:5:6"));
        assertEquals("2a02:0:0::/48", IpAddresses.prefix("2a02::1"));
        assertEquals("0:0:0::/48", IpAddresses.prefix("::1"));
        assertNull(IpAddresses.prefix("256.1.1.1"));
        assertNull(IpAddresses.prefix("1.2.3"));
        assertNull(IpAddresses.prefix("2a02::1::2"));
        assertNull(IpAddresses.prefix("localhost"));
        assertNull(IpAddresses.prefix("1:2:3:4:5:6:7:8:9"));
    }

    @Test
    void userAgentsGiveDeviceOsAndBrowserAndCrawlersAreRobots() {
        Row iphone =
                UserAgentParser.parseOne("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
                        + "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1");
        assertEquals("phone", iphone.getAs(UserAgentParser.DEVICE_TYPE));
        assertEquals("ios", iphone.getAs(UserAgentParser.OS));
        assertEquals("safari", iphone.getAs(UserAgentParser.BROWSER));
        assertEquals(false, iphone.getAs(UserAgentParser.IS_ROBOT));
        Row windows = UserAgentParser.parseOne("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                + "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36");
        assertEquals("desktop", windows.getAs(UserAgentParser.DEVICE_TYPE));
        assertEquals("chrome", windows.getAs(UserAgentParser.BROWSER));
        Row bot = UserAgentParser.parseOne("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
        assertEquals(true, bot.getAs(UserAgentParser.IS_ROBOT));
    }
}
