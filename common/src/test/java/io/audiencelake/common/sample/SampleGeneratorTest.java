package io.audiencelake.common.sample;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.GeneratorBehaviour;
import io.audiencelake.common.spark.TestLake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleGeneratorTest {
    private static final SparkSession SPARK = TestLake.spark();
    private static final List<LocalDate> DATES = List.of(LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 2));
    private static final LocalDate DAY2 = DATES.get(1);

    @TempDir
    static Path dir;

    private static List<GeneratedFile> written;

    @BeforeAll
    static void generate() {
        written = new SampleGenerator(7, 0.25)
                .generate(
                        SPARK,
                        dir.resolve("a/landing").toString(),
                        dir.resolve("a/truth").toString(),
                        DATES);
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .collect(Collectors.toList())) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void sameSeedWritesTheSameBytesAndAnotherSeedDoesNot() throws IOException {
        new SampleGenerator(7, 0.25)
                .generate(
                        SPARK,
                        dir.resolve("b/landing").toString(),
                        dir.resolve("b/truth").toString(),
                        DATES);
        Map<String, byte[]> a = files(dir.resolve("a"));
        Map<String, byte[]> b = files(dir.resolve("b"));
        assertEquals(a.keySet(), b.keySet());
        // 5 feeds x 2 dates + identifiers x 2 dates + persons, one slice each.
        assertEquals(13, a.size(), a.keySet()::toString);
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name), b.get(name), name);
        }
        new SampleGenerator(8, 0.25)
                .generate(
                        SPARK,
                        dir.resolve("c/landing").toString(),
                        dir.resolve("c/truth").toString(),
                        DATES.subList(0, 1));
        String crm = "landing/crm/dt=2025-03-01/crm-00000.csv";
        assertFalse(Arrays.equals(a.get(crm), files(dir.resolve("c")).get(crm)));
    }

    @Test
    void theBehaviourParametersChangeWhatIsGenerated() {
        // Everyone with exactly one device, an app phone: no cookies anywhere, one mobile ad id per person.
        GeneratorBehaviour.Devices d = GeneratorBehaviour.Devices.DEFAULTS;
        GeneratorBehaviour oneApp = new GeneratorBehaviour(
                GeneratorBehaviour.People.DEFAULTS,
                new GeneratorBehaviour.Devices(
                        List.of(1.0),
                        Map.of("mobile_app", 1.0),
                        d.appleShare(),
                        d.platformAffinity(),
                        d.safariCookieDays(),
                        d.cookieDaysMin(),
                        d.cookieDaysMax(),
                        d.cookieClearingShare(),
                        d.officeNetworkShare(),
                        d.phoneOfficeShare(),
                        d.publicWifiShare(),
                        d.peoplePerHotspot(),
                        d.carrierShare(),
                        d.deviceSwitchShare(),
                        d.appLoginShare(),
                        d.webLoginShare(),
                        d.tabletActivity(),
                        d.lateEventShare()));
        new SampleGenerator(7, 0.25, oneApp)
                .generate(
                        SPARK,
                        dir.resolve("d/landing").toString(),
                        dir.resolve("d/truth").toString(),
                        DATES.subList(0, 1));
        Dataset<Row> ids = SPARK.read()
                .option("header", "true")
                .csv(dir.resolve("d/truth/identifiers").toString())
                .where("person_key <> ''");
        Dataset<Row> persons = SPARK.read()
                .option("header", "true")
                .csv(dir.resolve("d/truth/persons").toString());
        assertEquals(0, ids.where("id_type = 'cookie'").count(), "no web devices, no cookies but crawlers'");
        assertEquals(persons.count(), ids.where("id_type = 'maid'").count(), "one app id per person");
        assertTrue(truth().where("id_type = 'cookie' and person_key <> ''").count() > 0, "by default, cookies");
    }

    /** The defaults with two phones per person and the given device behaviour. */
    private static GeneratorBehaviour twoPhones(double affinity, double clearing, double publicWifi, double switching) {
        GeneratorBehaviour.Devices d = GeneratorBehaviour.Devices.DEFAULTS;
        return new GeneratorBehaviour(
                GeneratorBehaviour.People.DEFAULTS,
                new GeneratorBehaviour.Devices(
                        List.of(0.0, 1.0),
                        Map.of("mobile_web", 1.0),
                        d.appleShare(),
                        affinity,
                        d.safariCookieDays(),
                        d.cookieDaysMin(),
                        d.cookieDaysMax(),
                        clearing,
                        d.officeNetworkShare(),
                        0.0,
                        publicWifi,
                        d.peoplePerHotspot(),
                        d.carrierShare(),
                        switching,
                        d.appLoginShare(),
                        d.webLoginShare(),
                        d.tabletActivity(),
                        0.0));
    }

    @Test
    void platformAffinityHotspotsCookieClearingAndDeviceSwitchingShowInTheFeeds() {
        new SampleGenerator(7, 0.25, twoPhones(1.0, 1.0, 1.0, 1.0))
                .generate(
                        SPARK,
                        dir.resolve("e/landing").toString(),
                        dir.resolve("e/truth").toString(),
                        DATES.subList(0, 1));
        Dataset<Row> truth = SPARK.read()
                .option("header", "true")
                .csv(dir.resolve("e/truth/identifiers").toString())
                .where("id_type = 'cookie' and person_key <> ''");
        long persons = SPARK.read()
                .option("header", "true")
                .csv(dir.resolve("e/truth/persons").toString())
                .count();
        // Cleared every day: each phone's cookie of the day differs from the day before's, and both are in the truth,
        // with the cookie of the phone's latest visit when that was earlier still (a broker may report it).
        long cookies = truth.count();
        assertTrue(cookies >= 4 * persons && cookies <= 6 * persons, "two phones, two or three cookies each");
        assertEquals(
                Set.of("mobile_web"),
                truth.select("device_kind").distinct().collectAsList().stream()
                        .map(r -> r.getString(0))
                        .collect(Collectors.toSet()));
        Dataset<Row> events = SPARK.read()
                .json(dir.resolve("e/landing/clickstream/dt=" + DATES.get(0)).toString())
                .where(col("cookie_id").isNotNull())
                .join(truth.withColumnRenamed("id_value", "cookie_id"), "cookie_id");
        assertTrue(events.count() > 1000);
        // Every session on a public hotspot (no office Wi-Fi for phones here).
        assertEquals(0, events.where(col("ip").startsWith("185.").unary_$bang()).count());
        // Both phones of a person run on one platform.
        assertEquals(
                0,
                events.where(col("user_agent").isNotNull())
                        .groupBy("person_key")
                        .agg(countDistinct(col("user_agent").contains("iPhone")).as("platforms"))
                        .where("platforms > 1")
                        .count());
        // Every session carries on on the other phone within minutes: both phones of every active person show.
        Dataset<Row> phonesPerPerson =
                events.groupBy("person_key").agg(countDistinct("cookie_id").as("phones"));
        long active = phonesPerPerson.count();
        assertTrue(phonesPerPerson.where("phones = 2").count() >= 0.95 * active, "switching to the other phone");
    }

    @Test
    void withoutAffinityAPersonsPhonesMayRunOnTwoPlatforms() {
        new SampleGenerator(7, 0.25, twoPhones(0.0, 0.0, 0.0, 0.0))
                .generate(
                        SPARK,
                        dir.resolve("f/landing").toString(),
                        dir.resolve("f/truth").toString(),
                        DATES.subList(0, 1));
        Dataset<Row> truth = SPARK.read()
                .option("header", "true")
                .csv(dir.resolve("f/truth/identifiers").toString())
                .where("id_type = 'cookie' and person_key <> ''");
        Dataset<Row> events = SPARK.read()
                .json(dir.resolve("f/landing/clickstream/dt=" + DATES.get(0)).toString())
                .where(col("user_agent").isNotNull())
                .join(truth.withColumnRenamed("id_value", "cookie_id"), "cookie_id");
        assertTrue(events.groupBy("person_key")
                        .agg(countDistinct(col("user_agent").contains("iPhone")).as("platforms"))
                        .where("platforms > 1")
                        .count()
                > 0);
        assertEquals(0, events.where(col("ip").startsWith("185.")).count(), "no hotspots");
    }

    @Test
    void reportsEveryFileWithItsLineCount() throws IOException {
        assertEquals(13, written.size());
        for (GeneratedFile f : written) {
            assertTrue(f.lines() > 1, f.path());
            assertEquals(Files.size(Path.of(f.path())), f.bytes(), f.path());
        }
        GeneratedFile crm = written.stream()
                .filter(f -> f.feed().equals("crm") && f.date().equals("2025-03-01"))
                .findFirst()
                .orElseThrow();
        assertEquals(crm.lines(), Files.readAllLines(Path.of(crm.path())).size());
    }

    private static Dataset<Row> truth() {
        return truth("a");
    }

    /** The identifiers of the people generated under {@code run}. */
    private static Dataset<Row> truth(String run) {
        return SPARK.read()
                .option("header", "true")
                .csv(dir.resolve(run + "/truth/identifiers").toString());
    }

    private static Dataset<Row> landing(String feed, String delimiter) {
        return SPARK.read()
                .option("header", "true")
                .option("sep", delimiter)
                .csv(dir.resolve("a/landing/" + feed + "/dt=" + DAY2).toString());
    }

    @Test
    void everyIdentifierBelongsToExactlyOnePersonOrIsMarkedNoise() {
        Dataset<Row> truth = truth().select("id_type", "id_value", "person_key").distinct();
        assertEquals(
                0,
                truth.groupBy("id_type", "id_value")
                        .agg(countDistinct("person_key").as("n"))
                        .where("n > 1")
                        .count());
        Dataset<Row> persons = SPARK.read()
                .option("header", "true")
                .csv(dir.resolve("a/truth/persons").toString());
        assertEquals(500, persons.count());
        assertEquals(
                500, truth.where("id_type = 'email' and person_key is not null").count());
    }

    @Test
    void clickstreamDevicesAndLoginsAreAllInTheTruth() {
        Dataset<Row> events = SPARK.read()
                .json(dir.resolve("a/landing/clickstream/dt=" + DAY2).toString())
                .cache();
        Dataset<Row> truth = truth();
        Dataset<Row> cookies = events.where("cookie_id is not null")
                .select(col("cookie_id").as("id_value"))
                .distinct();
        Dataset<Row> knownCookies = truth.where("id_type = 'cookie'").select("id_value");
        assertTrue(cookies.count() > 100);
        assertEquals(0, cookies.join(knownCookies, "id_value", "left_anti").count());
        Dataset<Row> maids = events.where("maid is not null and maid != '00000000-0000-0000-0000-000000000000'")
                .select(upper(col("maid")).as("id_value"))
                .distinct();
        assertTrue(maids.count() > 10);
        assertEquals(
                0,
                maids.join(truth.where("id_type = 'maid'").select("id_value"), "id_value", "left_anti")
                        .count());
        Dataset<Row> logins = events.where("login_email is not null")
                .select(lower(trim(col("login_email"))).as("id_value"))
                .distinct();
        assertTrue(logins.count() > 10);
        assertEquals(
                0,
                logins.join(truth.where("id_type = 'email'").select("id_value"), "id_value", "left_anti")
                        .count());
        // Late events: day 2's file holds some of day 1's events, and not many.
        long all = events.where("_corrupt_record is null").count();
        long late = events.where("event_time like '" + DATES.get(0) + "%'").count();
        assertTrue(late > 0 && late < all * 0.1, late + " late of " + all);
        assertTrue(events.where("_corrupt_record is not null").count() > 0, "no malformed line in the sample");
        events.unpersist();
    }

    @Test
    void crmEmailAndCustomerIdOfOneRowBelongToTheSamePerson() {
        Dataset<Row> crm = landing("crm", ",");
        Dataset<Row> truth = truth();
        Dataset<Row> byEmail = truth.where("id_type = 'email'")
                .select(col("id_value").as("e"), col("person_key").as("pe"));
        Dataset<Row> byCustomer = truth.where("id_type = 'customer_id'")
                .select(col("id_value").as("c"), col("person_key").as("pc"));
        Dataset<Row> joined = crm.select(
                        lower(trim(col("email"))).as("e"), col("customer_id").as("c"))
                .join(byEmail, "e")
                .join(byCustomer, "c");
        assertTrue(joined.count() > 200);
        assertEquals(0, joined.where("pe != '' and pe != pc").count());
        assertTrue(crm.count() > crm.distinct().count(), "no duplicated CRM row in the sample");
        assertTrue(crm.where("email != lower(trim(email))").count() > 0, "no messy email in the sample");
    }

    @Test
    void theThirdPartyProvidersQualityIsAParameter() {
        // By default the provider puts known devices in their owners' interest segments (and some at random).
        Dataset<Row> usual = landing("thirdparty", "|");
        assertTrue(usual.where("segment_id not like 'DEMO-%'").count() > 20);
        // A provider that never reads interests and adds no noise sends only its age and gender guesses.
        GeneratorBehaviour.ThirdParty t = GeneratorBehaviour.ThirdParty.DEFAULTS;
        GeneratorBehaviour blind = new GeneratorBehaviour(
                GeneratorBehaviour.People.DEFAULTS,
                GeneratorBehaviour.Devices.DEFAULTS,
                new GeneratorBehaviour.ThirdParty(
                        t.webCoverage(), t.appCoverage(), t.interestThreshold(), 0, 0, t.ageAccuracy(), 1));
        new SampleGenerator(7, 0.25, blind)
                .generate(
                        SPARK,
                        dir.resolve("tp/landing").toString(),
                        dir.resolve("tp/truth").toString(),
                        DATES.subList(0, 1));
        Dataset<Row> segments = SPARK.read()
                .option("header", "true")
                .option("sep", "|")
                .csv(dir.resolve("tp/landing/thirdparty").toString());
        assertTrue(segments.count() > 20);
        assertEquals(0, segments.where("segment_id not like 'DEMO-%'").count());
        // Gender always right: every device's gender segment is its owner's (by default 15 % are wrong).
        Dataset<Row> persons = SPARK.read()
                .option("header", "true")
                .csv(dir.resolve("tp/truth/persons").toString())
                .select("person_key", "gender");
        Dataset<Row> genders = segments.where("segment_id like 'DEMO-GENDER-%'")
                .join(truth("tp"), new String[] {"id_type", "id_value"})
                .join(persons, "person_key");
        assertTrue(genders.count() > 20);
        assertEquals(
                0, genders.where("segment_id <> concat('DEMO-GENDER-', gender)").count());
    }

    @Test
    void aConsentBannerIsLoggedOnlyForACookieThatLoadedAPage() {
        LocalDate day1 = DATES.get(0);
        Dataset<Row> banners = SPARK.read()
                .option("header", "true")
                .csv(dir.resolve("a/landing/consent/dt=" + day1).toString())
                .where("source = 'cmp_banner'")
                .select(col("subject_value").as("cookie_id"))
                .distinct();
        // Day 1's events are in day 1's file, or late in day 2's.
        Dataset<Row> visited = SPARK.read()
                .json(dir.resolve("a/landing/clickstream").toString())
                .where("cookie_id is not null and event_time like '" + day1 + "%'")
                .select("cookie_id")
                .distinct();
        assertTrue(banners.count() > 50, "banners shown");
        // A cookie the device carried on a day it stayed away has no page view to show a banner on.
        assertEquals(0, banners.join(visited, "cookie_id", "left_anti").count());
    }

    @Test
    void partnerAndThirdPartyIdsAreInTheTruth() {
        Dataset<Row> truth = truth();
        Dataset<Row> partner = landing("partner", "\t")
                .select(col("partner_user_id").as("id_value"))
                .distinct();
        assertTrue(partner.count() > 50);
        assertEquals(
                0,
                partner.join(truth.where("id_type = 'partner_id'").select("id_value"), "id_value", "left_anti")
                        .count());
        Dataset<Row> thirdParty = landing("thirdparty", "|")
                .where("id_type = 'cookie'")
                .select(col("id_value"))
                .distinct();
        assertTrue(thirdParty.count() > 20);
        assertEquals(
                0,
                thirdParty
                        .join(truth.where("id_type = 'cookie'").select("id_value"), "id_value", "left_anti")
                        .count());
    }
}
