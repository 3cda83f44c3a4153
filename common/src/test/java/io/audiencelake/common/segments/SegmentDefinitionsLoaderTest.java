package io.audiencelake.common.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.segments.SegmentDefinitions.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentDefinitionsLoaderTest {
    @TempDir
    Path dir;

    private SegmentDefinitions load(String yaml) throws IOException {
        Path file = dir.resolve("segments.yaml");
        Files.writeString(file, yaml);
        return SegmentDefinitionsLoader.load(file, SegmentFixtures.TRAITS, SegmentFixtures.CONTRACTS);
    }

    private String refused(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml)).getMessage();
    }

    private static String segments(String... rules) {
        StringBuilder b = new StringBuilder("consent:\n  purposes: {ad_targeting: consent_ad_targeting}\nsegments:\n");
        for (String r : rules) {
            b.append("  - {").append(r).append(", name: n, owner: o}\n");
        }
        return b.toString();
    }

    @Test
    void shippedSegmentsLoadInDependencyOrderWithLabels() {
        SegmentDefinitions d = SegmentDefinitionsLoader.load(
                SegmentFixtures.CONF.resolve("segments.yaml"), SegmentFixtures.TRAITS, SegmentFixtures.CONTRACTS);
        assertTrue(d.segments().size() >= 10);
        List<String> ids = d.segments().stream().map(Segment::id).toList();
        assertTrue(ids.indexOf("loyal_members") < ids.indexOf("churn_risk"));
        assertTrue(ids.indexOf("cart_abandoners") < ids.indexOf("prospects"));
        Segment travel = d.byId().get("travel_intenders");
        assertTrue(
                travel.labels().containsAll(Set.of("third_party", "behavioural")),
                travel.labels().toString());
        assertEquals(Set.of(), d.byId().get("multi_device").labels());
        assertEquals("consent_ad_targeting", d.byId().get("cart_abandoners").consentColumn());
    }

    @Test
    void referencesAreOrderedAndLabelsInherited() throws IOException {
        SegmentDefinitions d = load(segments(
                "id: b, rule: \"segment('a') and city = 'Paris'\"", "id: a, rule: \"tp_travel_affinity > 0.5\""));
        assertEquals(List.of("a", "b"), d.segments().stream().map(Segment::id).toList());
        assertTrue(d.byId().get("b").labels().contains("third_party"), "b inherits a's labels");
        assertTrue(d.byId().get("b").labels().contains("declared"), "city comes from the CRM");
    }

    @Test
    void eachRuleMistakeNamesTheSegmentThePositionAndTheExpectation() {
        String m = refused(segments("id: s1, rule: \"purchases_30d >= 'two'\""));
        assertTrue(
                m.contains("segments[0].rule: segment 's1': at position 18: 'purchases_30d' is bigint, so expected a "
                        + "number, got 'two'"),
                m);
        m = refused(segments("id: s2, rule: \"purchase_30d >= 2\""));
        assertTrue(m.contains("segment 's2': at position 1: unknown trait 'purchase_30d'"), m);
        m = refused(segments("id: s3, rule: \"city > 'Paris'\""));
        assertTrue(m.contains("'city' is string; expected a number or a date"), m);
        m = refused(segments("id: s4, rule: \"birth_date < 'yesterday'\""));
        assertTrue(m.contains("expected a date such as '2025-01-31', got 'yesterday'"), m);
        m = refused(segments("id: s5, rule: \"devices contains 'x'\""));
        assertTrue(m.contains("'devices' is bigint; expected a text trait"), m);
        m = refused(segments("id: s6, rule: \"segment('nope')\""));
        assertTrue(m.contains("segment 's6': at position 9: unknown segment 'nope'"), m);
        m = refused(segments("id: s7, rule: \"city = 'Paris' or\""));
        assertTrue(m.contains("segment 's7': at position 18: expected a trait name"), m);
        m = refused(segments("id: s8, rule: \"devices >= 1\", consent: sms"));
        assertTrue(m.contains("segments[0].consent: unknown purpose 'sms'"), m);
    }

    @Test
    void cyclesDuplicatesAndMissingFieldsAreRefused() {
        String m = refused(segments(
                "id: a, rule: \"segment('b')\"",
                "id: b, rule: \"segment('c') or devices > 1\"",
                "id: c, rule: \"not segment('a')\""));
        assertTrue(m.contains("segments reference each other in a cycle: a -> b -> c -> a"), m);
        assertTrue(refused(segments("id: self, rule: \"segment('self')\"")).contains("cycle: self -> self"));
        assertTrue(refused(segments("id: a, rule: \"devices > 1\"", "id: a, rule: \"devices > 2\""))
                .contains("segments[1].id: duplicate segment id 'a'"));
        assertTrue(refused("segments:\n  - {id: x, name: n, owner: o}\n").contains("segments[0].rule: is required"));
        assertTrue(refused("segments:\n  - {id: X Y, name: n, owner: o, rule: \"devices > 1\"}\n")
                .contains("segments[0].id"));
    }

    @Test
    void controlGroupsAreReadAsSharesAndEveryBadOneIsNamed() throws IOException {
        SegmentDefinitions d = load("control_group: {global: 2%, salt: spring-2025}\n"
                + segments("id: a, rule: \"devices > 1\", control_group: 10%", "id: b, rule: \"devices > 2\""));
        assertEquals(new ControlGroups(0.02, "spring-2025"), d.controlGroups());
        assertEquals(0.10, d.byId().get("a").controlShare(), 1e-12);
        assertEquals(0.0, d.byId().get("b").controlShare());
        assertEquals(Map.of("a", 0.10), d.controlShares());
        assertEquals(
                ControlGroups.NONE,
                load(segments("id: a, rule: \"devices > 1\"")).controlGroups());

        String m = refused("control_group: {global: 60%, salt: \"\", size: 3}\n"
                + segments(
                        "id: a, rule: \"devices > 1\", control_group: 0%",
                        "id: b, rule: \"devices > 1\", control_group: ten"));
        assertTrue(m.contains("control_group.global: expected a share of people in (0%, 50%], e.g. 10%, got '60%'"), m);
        assertTrue(m.contains("control_group.salt: expected some text"), m);
        assertTrue(m.contains("control_group.size"), m);
        assertTrue(
                m.contains("segments[0].control_group: expected a share of people in (0%, 50%], e.g. 10%, got '0%'"),
                m);
        assertTrue(
                m.contains("segments[1].control_group: expected a share of people in (0%, 50%], e.g. 10%, got 'ten'"),
                m);
    }

    @Test
    void aTimeToLiveIsWholeDaysUpToFourHundred() throws IOException {
        SegmentDefinitions d =
                load(segments("id: a, rule: \"devices > 1\", ttl_days: 7", "id: b, rule: \"devices > 2\""));
        assertEquals(Map.of("a", 7), d.ttlDays());
        assertEquals(0, d.byId().get("b").ttlDays(), "members are who qualify on the date");
        String m = refused(segments(
                "id: a, rule: \"devices > 1\", ttl_days: 0",
                "id: b, rule: \"devices > 1\", ttl_days: a week",
                "id: c, rule: \"devices > 1\", ttl_days: 500"));
        assertTrue(m.contains("segments[0].ttl_days: must be between 1 and 400, got 0"), m);
        assertTrue(m.contains("segments[1].ttl_days: expected a whole number"), m);
        assertTrue(m.contains("segments[2].ttl_days: must be between 1 and 400, got 500"), m);
    }

    @Test
    void structuredRulesAndIncludedFiles() throws IOException {
        Files.writeString(
                dir.resolve("more.yaml"), "segments:\n  - {id: extra, name: n, owner: o, rule: \"devices >= 3\"}\n");
        SegmentDefinitions d = load("include: [more.yaml]\nsegments:\n  - id: s\n    name: n\n    owner: o\n    rule:\n"
                + "      all: [\"devices >= 2\", \"city in ('Paris', 'Lyon') or country = 'FR'\"]\n");
        assertEquals(Set.of("s", "extra"), d.byId().keySet());
        assertEquals(
                "(devices >= 2) and (city in ('Paris', 'Lyon') or country = 'FR')",
                d.byId().get("s").ruleText());
    }
}
