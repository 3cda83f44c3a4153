package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class DeviceContinuityTest {
    private static final String DAYS = "id_type string, id_value string, ips array<string>, os string, "
            + "browser string, device_type string, dt date";
    private static final LocalDate DAY0 = LocalDate.of(2025, 3, 1);

    private static Object[] day(String type, String device, int day, String ip, String browser) {
        return new Object[] {type, device, List.of(ip), "iOS", browser, "Phone", Date.valueOf(DAY0.plusDays(day))};
    }

    /** The links as "a>b" by identifier value. */
    private static Set<String> links(List<Object[]> rows) {
        Dataset<Row> days = Frames.of(DAYS, rows.toArray(Object[][]::new));
        Dataset<Row> names = days.select(
                        IdentifierNodes.node().as("n"),
                        col(IdentifierNodes.ID_VALUE).as("v"))
                .distinct();
        return DeviceContinuity.links(days, 7, 12)
                .join(names.toDF(DeterministicLinks.SRC, "a"), DeterministicLinks.SRC)
                .join(names.toDF(DeterministicLinks.DST, "b"), DeterministicLinks.DST)
                .collectAsList()
                .stream()
                .map(r -> r.getAs("a") + ">" + r.<String>getAs("b"))
                .collect(Collectors.toSet());
    }

    @Test
    void aBrowsersNextCookieOnItsAddressContinuesItUnlessAnotherCouldAsWell() {
        List<Object[]> rows = new ArrayList<>();
        // Safari's weekly reset: c1 on days 0-3, c2 from day 5, same system and home address.
        for (int d = 0; d <= 3; d++) {
            rows.add(day("cookie", "c1", d, "home", "Safari"));
        }
        rows.add(day("cookie", "c2", 5, "home", "Safari"));
        rows.add(day("cookie", "c2", 6, "home", "Safari"));
        // Two next cookies could continue h1 (two iPhones of one household): neither is linked.
        rows.add(day("cookie", "h1", 0, "home2", "Safari"));
        rows.add(day("cookie", "h2", 2, "home2", "Safari"));
        rows.add(day("cookie", "h3", 3, "home2", "Safari"));
        // Another browser, a gap of more than a week, another address: no continuity.
        rows.add(day("cookie", "x1", 0, "home3", "Chrome"));
        rows.add(day("cookie", "x2", 1, "home3", "Safari"));
        rows.add(day("cookie", "g1", 0, "home4", "Safari"));
        rows.add(day("cookie", "g2", 9, "home4", "Safari"));
        rows.add(day("cookie", "a1", 0, "home5", "Safari"));
        rows.add(day("cookie", "a2", 1, "elsewhere", "Safari"));
        // An app's ad id does not churn.
        rows.add(day("maid", "m1", 0, "home6", "Safari"));
        rows.add(day("maid", "m2", 1, "home6", "Safari"));
        assertEquals(Set.of("c1>c2"), links(rows));
    }

    @Test
    void anAddressManyDevicesUseIsNoEvidence() {
        List<Object[]> rows = new ArrayList<>();
        // A phone's cookie ends on a cafe's hotspot on day 0 and a stranger's starts there on day 1: alone, they
        // look like one phone's churn.
        rows.add(day("cookie", "old", 0, "cafe", "Safari"));
        rows.add(day("cookie", "new", 1, "cafe", "Safari"));
        assertEquals(Set.of("old>new"), links(rows));
        // Twelve more devices (of any system) used the hotspot in the window: it is public, no evidence.
        for (int i = 0; i < 12; i++) {
            rows.add(new Object[] {
                "cookie", "other" + i, List.of("cafe"), "Windows", "Edge", "Desktop", Date.valueOf(DAY0.plusDays(i))
            });
        }
        assertEquals(Set.of(), links(rows));
    }
}
