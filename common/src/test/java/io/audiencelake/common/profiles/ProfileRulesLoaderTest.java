package io.audiencelake.common.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.feeds.ColumnType;
import io.audiencelake.common.feeds.FeedContract;
import io.audiencelake.common.feeds.FeedContracts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileRulesLoaderTest {
    static final Path CONF = Path.of(System.getProperty("user.dir")).getParent().resolve("conf");
    static final Collection<FeedContract> CONTRACTS =
            FeedContracts.load(CONF.resolve("feeds")).values();

    @TempDir
    Path dir;

    private ProfileRules load(String yaml) throws IOException {
        Path file = dir.resolve("traits.yaml");
        Files.writeString(file, yaml);
        return ProfileRulesLoader.load(file, CONTRACTS);
    }

    private String refused(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml)).getMessage();
    }

    private static String trait(String body) {
        return "traits:\n  - {name: t, description: d, " + body + "}\n";
    }

    @Test
    void shippedTraitsLoadWithEveryKindAndSource() {
        ProfileRules rules = ProfileRulesLoader.load(CONF.resolve("traits.yaml"), CONTRACTS);
        for (TraitKind kind : TraitKind.values()) {
            assertTrue(rules.traits().stream().anyMatch(t -> t.kind() == kind), "no trait of kind " + kind);
        }
        for (TraitSource source : TraitSource.values()) {
            assertTrue(rules.traits().stream().anyMatch(t -> t.source() == source), "no trait of source " + source);
        }
        assertEquals(30, rules.sessions().gapMinutes());
        assertEquals("days_since_last_purchase", rules.rfm().recency());
        assertEquals(90, rules.maxWindowDays(TraitSource.EVENTS));
    }

    @Test
    void readsATraitWithItsFilterAndWindow() throws IOException {
        ProfileRules rules = load(trait(
                "kind: sum, of: revenue, where: {event_type: purchase, page_category: [shoes, sports]}, window: 30d"));
        ProfileRules.Trait t = rules.traits().get(0);
        assertEquals(TraitKind.SUM, t.kind());
        assertEquals(TraitSource.EVENTS, t.source());
        assertEquals(30, t.window().days());
        assertEquals(List.of("shoes", "sports"), t.where().get("page_category"));
        assertEquals(ColumnType.DOUBLE, t.type());
    }

    @Test
    void anUnknownColumnIsRefusedWithItsNameAndTheKnownOnes() {
        String message = refused(trait("kind: sum, of: revenu"));
        assertTrue(message.contains("traits[0].of: unknown events column 'revenu'"), message);
        assertTrue(message.contains("page_category"), message);
        assertTrue(message.contains("traits.yaml"), message);
    }

    @Test
    void anUnknownFilterColumnIsRefused() {
        String message = refused(trait("kind: count, where: {colour: red}"));
        assertTrue(message.contains("traits[0].where.colour: unknown events column"), message);
    }

    @Test
    void aBadWindowIsRefused() {
        assertTrue(
                refused(trait("kind: count, window: 30 days"))
                        .contains(
                                "traits[0].window: expected a number of days such as 7d (1d to 400d) or lifetime, got '30 days'"));
        assertTrue(refused(trait("kind: count, window: 0d")).contains("traits[0].window"));
        assertTrue(refused(trait("kind: count, window: 999d")).contains("traits[0].window"));
    }

    @Test
    void aSumOfTextIsRefused() {
        assertTrue(refused(trait("kind: avg, of: page_category"))
                .contains("traits[0].of: kind avg needs a number column, 'page_category' is string"));
    }

    @Test
    void anUnknownKindIsRefusedWithTheKinds() {
        String message = refused(trait("kind: median, of: revenue"));
        assertTrue(message.contains("traits[0].kind"), message);
        assertTrue(message.contains("recency"), message);
    }

    @Test
    void aShareNeedsItsRowsAndRowsItCanSelectAndOnlySharesAndRatesTakeAmong() throws IOException {
        ProfileRules ok = load(
                trait(
                        "kind: share, where: {page_category: shoes, event_type: [product_view, purchase]}, among: {event_type: [page_view, product_view]}"));
        // The counted rows are those of where among those of among: product views of shoes.
        assertEquals(
                Map.of("page_category", List.of("shoes"), "event_type", List.of("product_view")),
                ok.traits().get(0).whereAmong());
        assertEquals(ColumnType.DOUBLE, ProfileTraits.outputType(ok.traits().get(0)));
        assertTrue(refused(trait("kind: share, among: {event_type: page_view}"))
                .contains("traits[0].where: is required for kind share"));
        assertTrue(refused(trait("kind: share, where: {event_type: purchase}, among: {event_type: page_view}"))
                .contains("traits[0].where: column event_type allows none of the values 'among' allows [page_view]"));
        assertTrue(refused(trait("kind: rate, among: {colour: red}"))
                .contains("traits[0].among.colour: unknown events column"));
        assertTrue(refused(trait("kind: count, among: {event_type: page_view}"))
                .contains("traits[0].among: only kinds share and rate take 'among'"));
        assertTrue(refused(trait("kind: share, of: revenue, where: {event_type: purchase}"))
                .contains("traits[0].of: kind share takes no column"));
    }

    @Test
    void aPercentileNeedsItsFractionAndANumberAndOnlyItTakesOne() throws IOException {
        ProfileRules ok = load(trait("kind: percentile, percentile: 0.9, of: revenue, where: {event_type: purchase}"));
        assertEquals(0.9, ok.traits().get(0).percentile(), 1e-12);
        assertEquals(ColumnType.DOUBLE, ProfileTraits.outputType(ok.traits().get(0)));
        assertTrue(refused(trait("kind: percentile, of: revenue"))
                .contains("traits[0].percentile: is required for kind percentile"));
        assertTrue(
                refused(trait("kind: percentile, percentile: 1.5, of: revenue")).contains("traits[0].percentile"));
        assertTrue(refused(trait("kind: percentile, percentile: 0.5, of: page_category"))
                .contains("traits[0].of: kind percentile needs a number column"));
        assertTrue(refused(trait("kind: max, percentile: 0.5, of: revenue"))
                .contains("traits[0].percentile: only kind percentile takes a percentile"));
        String sessions = refused(trait("kind: percentile, percentile: 0.5, source: sessions, of: pages, window: 7d"));
        assertTrue(
                sessions.contains("traits[0].kind: session traits are count, sum, avg, min or max, got percentile"),
                sessions);
    }

    @Test
    void attributesMustBeKnownToARecordFeed() {
        assertTrue(refused(trait("kind: attribute, of: shoe_size"))
                .contains("traits[0].of: unknown attribute 'shoe_size'"));
        // Prefixed names (third-party segments, consent purposes) are open-ended.
        ProfileRules ok = assertDoesNotThrow(trait("kind: attribute, of: segment.iab99, type: double"));
        assertEquals(ColumnType.DOUBLE, ok.traits().get(0).type());
        // Whole numbers are kept as long in profiles, whatever width the attribute was declared with.
        assertEquals(
                ColumnType.LONG,
                assertDoesNotThrow(trait("kind: attribute, of: segment.iab99, type: int"))
                        .traits()
                        .get(0)
                        .type());
    }

    @Test
    void attributeAndSessionTraitsRefuseTheWrongWindows() {
        assertTrue(
                refused(trait("kind: attribute, of: city, window: 7d")).contains("traits[0].window: attribute traits"));
        assertTrue(refused(trait("kind: count, source: sessions"))
                .contains("traits[0].window: is required for session traits"));
        assertTrue(refused(trait("kind: count, source: sessions, window: lifetime"))
                .contains("traits[0].window"));
        assertTrue(refused(trait("kind: distinct, source: sessions, of: channel, window: 7d"))
                .contains("traits[0].kind"));
    }

    @Test
    void namesMustBeColumnNamesAndUnique() {
        assertTrue(refused("traits:\n  - {name: Purchases 30d, description: d, kind: count}\n")
                .contains("traits[0].name"));
        String twice =
                "traits:\n  - {name: n, description: d, kind: count}\n  - {name: n, description: d, kind: count}\n";
        assertTrue(refused(twice).contains("traits[1].name: duplicate trait name 'n'"));
        assertTrue(refused("traits:\n  - {name: person_id, description: d, kind: count}\n")
                .contains("duplicate"));
    }

    @Test
    void rfmNeedsNumericTraits() {
        String yaml = "traits:\n  - {name: c, description: d, kind: last, of: campaign}\n"
                + "  - {name: n, description: d, kind: count}\nrfm: {recency: c, frequency: n, monetary: missing}\n";
        String message = refused(yaml);
        assertTrue(message.contains("rfm.recency: trait 'c' is not a number"), message);
        assertTrue(message.contains("rfm.monetary: unknown trait 'missing'"), message);
    }

    @Test
    void unknownFieldsAndBadSessionColumnsAreRefused() {
        String message = refused("sessions: {gap_minute: 30, page_column: page}\n" + trait("kind: count"));
        assertTrue(message.contains("sessions.gap_minute: unknown field"), message);
        assertTrue(message.contains("sessions.page_column: unknown event column 'page'"), message);
    }

    private ProfileRules assertDoesNotThrow(String yaml) {
        try {
            return load(yaml);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
