package io.audiencelake.common.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityRulesLoaderTest {
    @TempDir
    Path dir;

    private static final String GOOD = """
      deterministic:
        strong_types: [email]
      matching:
        models:
          - id: records
            source: records
            feeds: [crm, partner]
            fields:
              name: {attributes: [first_name.qgrams]}
              year: {attributes: [birth_year, birth_date], prefix: 4}
            blocking:
              - {name: by_year, on: [year]}
            comparisons:
              - {field: name, kind: qgrams}
              - {field: year, kind: exact, term_frequency: true}
      """;

    private String refused(String yaml) throws IOException {
        Path file = dir.resolve("identity.yaml");
        Files.writeString(file, yaml);
        return assertThrows(ConfigException.class, () -> IdentityRulesLoader.load(file))
                .getMessage();
    }

    @Test
    void shippedRulesLoad() {
        Path conf = Path.of(System.getProperty("user.dir")).getParent().resolve("conf");
        IdentityRules rules = IdentityRulesLoader.load(conf.resolve("identity.yaml"));
        assertEquals(2, rules.models().size());
        assertTrue(rules.strongTypes().contains("email"));
        assertEquals(IdentityRules.UFrom.KNOWN_APART, rules.models().get(0).uFrom());
        assertEquals(IdentityRules.UFrom.KNOWN_APART, rules.models().get(1).uFrom());
        assertEquals(IdentityRules.UFrom.RANDOM_PAIRS, febrlModel(conf).uFrom(), "no labels in FEBRL: the default");
        IdentityRules febrl = IdentityRulesLoader.load(conf.resolve("evaluation/febrl/identity.yaml"));
        assertEquals("febrl", febrl.models().get(0).id());
    }

    private static IdentityRules.MatchModel febrlModel(Path conf) {
        return IdentityRulesLoader.load(conf.resolve("evaluation/febrl/identity.yaml"))
                .models()
                .get(0);
    }

    @Test
    void aGoodFileGivesTypedRules() throws IOException {
        Path file = dir.resolve("identity.yaml");
        Files.writeString(file, GOOD);
        IdentityRules rules = IdentityRulesLoader.load(file);
        IdentityRules.MatchModel m = rules.models().get(0);
        assertEquals(4, m.fields().get("year").prefix());
        assertEquals(ComparisonKind.QGRAMS, m.comparisons().get(0).kind());
        assertEquals(50, rules.maxDegreeOf("cookie"));
        assertEquals(120, rules.expiry().inactiveDaysOf("cookie"), "identifiers expire after 120 days unless told");
    }

    @Test
    void expiryIsPerIdTypeAndRefusesDaysBelowOne() throws IOException {
        Path file = dir.resolve("identity.yaml");
        Files.writeString(file, GOOD + "expiry:\n  inactive_days: {default: 90, cookie: 30}\n  history_days: 10\n");
        IdentityRules.Expiry expiry = IdentityRulesLoader.load(file).expiry();
        assertEquals(30, expiry.inactiveDaysOf("cookie"));
        assertEquals(90, expiry.inactiveDaysOf("maid"));
        assertEquals(10, expiry.historyDays());
        String message = refused(GOOD + "expiry:\n  inactive_days: {cookie: 0}\n  keep_days: 3\n");
        assertTrue(message.contains("expiry.inactive_days.cookie"), message);
        assertTrue(message.contains("expiry.keep_days: unknown field"), message);
    }

    @Test
    void mistakesNameTheFileTheFieldAndWhatWasExpected() throws IOException {
        String message = refused(GOOD.replace("on: [year]", "on: [yaer]")
                .replace("{field: name, kind: qgrams}", "{field: name, kind: histogram}")
                .replace("kind: exact, term_frequency: true", "kind: text, term_frequency: true"));
        assertTrue(message.contains("identity.yaml: matching.models[0].blocking[0].on: unknown field 'yaer'"), message);
        assertTrue(
                message.contains("matching.models[0].comparisons[0].kind: histogram does not fit field 'name'"),
                message);
        assertTrue(
                message.contains("matching.models[0].comparisons[1].term_frequency: only exact and overlap"), message);
    }

    @Test
    void aModelWithoutBlockingIsRefused() throws IOException {
        String message = refused(GOOD.replace("      blocking:\n        - {name: by_year, on: [year]}\n", ""));
        assertTrue(message.contains("matching.models[0].blocking: expected at least one blocking rule"), message);
    }

    @Test
    void unknownKeysAndBadNumbersAreRefused() throws IOException {
        String message = refused(GOOD.replace("deterministic:", "deterministic:\n  max_co_owner: 2")
                + "clustering:\n  max_cluster_size: 1\n");
        assertTrue(message.contains("deterministic.max_co_owner: unknown field"), message);
        String uFrom = refused(GOOD.replace("      blocking:\n", "      u_from: guesses\n      blocking:\n"));
        assertTrue(uFrom.contains("matching.models[0].u_from: expected one of random_pairs, known_apart"), uFrom);
        assertTrue(message.contains("clustering.max_cluster_size"), message);
    }

    @Test
    void fieldsArePreparedInOrderAndTokensMakeAListThatBlocksAndComparesAsWords() throws IOException {
        Path file = dir.resolve("identity.yaml");
        Files.writeString(
                file,
                GOOD.replace(
                                        "      blocking:\n",
                                        "      one_to_one: true\n      across_feeds_only: true\n      blocking:\n"
                                                + "        - {name: words, on: [title], max_block_size: 50, min_shared: 2,"
                                                + " weighting: arcs, pruning: reciprocal_cnp}\n")
                                .replace(
                                        "name: {attributes: [first_name.qgrams]}",
                                        "name: {attributes: [first_name.qgrams]}\n"
                                                + "        title: {attributes: [title], prepare: [lower, fold_accents,"
                                                + " strip_punctuation, tokens, prefix(5)]}")
                                .replace(
                                        "{field: year, kind: exact, term_frequency: true}",
                                        "{field: title, kind: tf_idf}")
                        + "  em_tolerance: 0.0001\n");
        IdentityRules rules = IdentityRulesLoader.load(file);
        IdentityRules.MatchModel m = rules.models().get(0);
        assertEquals(
                "[lower, fold_accents, strip_punctuation, tokens, prefix(5)]",
                m.fields().get("title").prepare().toString());
        assertTrue(m.fields().get("title").isList());
        assertEquals(2, m.blocking().get(0).minShared());
        assertEquals(1, m.blocking().get(1).minShared(), "every shared block by default");
        assertEquals(
                new MetaBlocking.Settings(MetaBlocking.Weighting.ARCS, MetaBlocking.Pruning.RECIPROCAL_CNP),
                m.blocking().get(0).metaBlocking());
        assertNull(m.blocking().get(1).metaBlocking(), "no pruning by default");
        assertTrue(m.oneToOne());
        assertEquals(0.0001, rules.emTolerance());
        assertEquals(ComparisonKind.TF_IDF, m.comparisons().get(1).kind());
    }

    @Test
    void badPreparationAndMetaBlockingAreRefusedWithWhatWasExpected() throws IOException {
        String message = refused(GOOD.replace(
                        "name: {attributes: [first_name.qgrams]}",
                        "name: {attributes: [first_name.qgrams], prepare: [lowercase, prefix(0), prefix,"
                                + " tokens, tokens, initials]}")
                .replace(
                        "{name: by_year, on: [year]}",
                        "{name: by_year, on: [year], min_shared: 2, weighting: js}\n"
                                + "        - {name: sn, on: [name], window: 1, pruning: wep}\n"
                                + "        - {name: odd, on: [name], pruning: best}")
                .replace("      blocking:\n", "      one_to_one: true\n      blocking:\n"));
        String field = "matching.models[0].fields.name.prepare: ";
        assertTrue(message.contains(field + "unknown step 'lowercase'; expected one of [lower, fold_accents"), message);
        assertTrue(message.contains(field + "'prefix(0)': expected a count of at least 1"), message);
        assertTrue(message.contains(field + "unknown step 'prefix'"), message);
        assertTrue(message.contains(field + "'tokens' cannot follow tokens"), message);
        assertTrue(message.contains(field + "'initials' cannot follow tokens"), message);
        assertTrue(message.contains("blocking[0].min_shared: counts shared blocks of a list field"), message);
        assertTrue(message.contains("matching.models[0].one_to_one: keeps each subject's best match"), message);
        assertTrue(message.contains("blocking[1].window: expected at least 2"), message);
        assertTrue(message.contains("blocking[1].window: sorts profiles by one value"), message);
        assertTrue(message.contains("blocking[0].pruning: expected one of wep, wnp, reciprocal_wnp, cnp"), message);
        assertTrue(
                message.contains("blocking[1].pruning: prunes the pairs of blocks; a sorted neighbourhood"), message);
        assertTrue(
                message.contains("blocking[2].pruning: expected one of wep, wnp, reciprocal_wnp, cnp, "
                        + "reciprocal_cnp, got 'best'"),
                message);
        String kind = refused(
                GOOD.replace("{field: year, kind: exact, term_frequency: true}", "{field: year, kind: tf_idf}"));
        assertTrue(kind.contains("tf_idf does not fit field 'year'; a single value takes"), kind);
    }

    @Test
    void theLeipzigRulesLoad() {
        Path conf = Path.of(System.getProperty("user.dir")).getParent().resolve("conf/evaluation/leipzig");
        for (String task : new String[] {"dblp-acm", "abt-buy"}) {
            IdentityRules.MatchModel m = IdentityRulesLoader.load(conf.resolve(task + "/identity.yaml"))
                    .models()
                    .get(0);
            assertTrue(m.oneToOne() && m.acrossFeedsOnly(), task);
            assertTrue(m.blocking().stream().anyMatch(b -> b.metaBlocking() != null), task);
        }
    }
}
