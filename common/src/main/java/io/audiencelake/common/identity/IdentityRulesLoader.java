package io.audiencelake.common.identity;

import io.audiencelake.common.config.ConfigNode;
import io.audiencelake.common.config.ConfigProblems;
import io.audiencelake.common.config.YamlDocument;
import io.audiencelake.common.feeds.FieldPreparation;
import io.audiencelake.common.identity.IdentityRules.BlockingRule;
import io.audiencelake.common.identity.IdentityRules.Comparison;
import io.audiencelake.common.identity.IdentityRules.MatchModel;
import io.audiencelake.common.identity.IdentityRules.ProfileField;
import io.audiencelake.common.identity.IdentityRules.Source;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Reads and checks {@code identity.yaml}; every mistake names the file, the field and what was expected. */
public final class IdentityRulesLoader {
    private static final String NAME = "[a-z][a-z0-9_]*";

    private IdentityRulesLoader() {}

    public static IdentityRules load(Path file) {
        return load(file, YamlDocument.NO_VARIABLES);
    }

    public static IdentityRules load(Path file, Function<String, String> environment) {
        ConfigProblems problems = new ConfigProblems(file.toString());
        ConfigNode root = new ConfigNode(YamlDocument.read(file, environment), "", problems);
        Deterministic det = deterministic(root.object("deterministic"));
        ConfigNode clustering = root.object("clustering");
        int maxClusterSize = clustering.intValue("max_cluster_size", 100, 2, 1_000_000);
        int maxIterations = clustering.intValue("max_iterations", 40, 1, 1000);
        clustering.rejectUnknownKeys();

        ConfigNode matching = root.object("matching");
        double threshold = matching.doubleValue("threshold", 0.9, 0.0, 1.0);
        int emIterations = matching.intValue("em_iterations", 100, 1, 10_000);
        double emTolerance = matching.doubleValue("em_tolerance", FellegiSunter.TOLERANCE, 1e-12, 0.1);
        String conflictType = matching.string("conflict_type", "email");
        double maxConflictShare = matching.doubleValue("max_conflict_share", 0.1, 0.0, 1.0);
        long randomPairs = matching.longValue("random_pairs", 20_000, 100, 100_000_000);
        List<MatchModel> models = models(matching);
        matching.rejectUnknownKeys();
        IdentityRules.Expiry expiry = expiry(root.object("expiry"));
        root.rejectUnknownKeys();
        problems.throwIfAny();
        return new IdentityRules(
                det.strong(),
                det.maxDegree(),
                det.maxCoOwners(),
                threshold,
                conflictType,
                maxConflictShare,
                emIterations,
                emTolerance,
                randomPairs,
                maxClusterSize,
                maxIterations,
                models,
                expiry);
    }

    private static IdentityRules.Expiry expiry(ConfigNode node) {
        Map<String, Integer> inactive = new LinkedHashMap<>();
        ConfigNode days = node.object("inactive_days");
        for (String type : days.keys()) {
            inactive.put(type, days.intValue(type, 120, 1, 36_600));
        }
        inactive.putIfAbsent(
                IdentityRules.DEFAULT, IdentityRules.Expiry.DEFAULTS.inactiveDaysOf(IdentityRules.DEFAULT));
        int history = node.intValue("history_days", IdentityRules.Expiry.DEFAULTS.historyDays(), 0, 36_600);
        node.rejectUnknownKeys();
        return new IdentityRules.Expiry(inactive, history);
    }

    /** The {@code deterministic:} section: which id types link on their own and the over-merge caps. */
    private record Deterministic(Set<String> strong, Map<String, Integer> maxDegree, int maxCoOwners) {}

    private static Deterministic deterministic(ConfigNode det) {
        Set<String> strong = new HashSet<>(det.strings("strong_types"));
        if (strong.isEmpty()) {
            det.problem("strong_types", "expected at least one id type, e.g. [email, customer_id]");
        }
        Map<String, Integer> maxDegree = new LinkedHashMap<>();
        ConfigNode degrees = det.object("max_degree");
        for (String type : degrees.keys()) {
            maxDegree.put(type, degrees.intValue(type, 1, 1, 1_000_000));
        }
        maxDegree.putIfAbsent(IdentityRules.DEFAULT, 50);
        int maxCoOwners = det.intValue("max_co_owners", 2, 0, 1_000_000);
        det.rejectUnknownKeys();
        return new Deterministic(strong, maxDegree, maxCoOwners);
    }

    private static List<MatchModel> models(ConfigNode matching) {
        List<MatchModel> models = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConfigNode m : matching.objects("models")) {
            MatchModel model = model(m);
            if (model != null && !ids.add(model.id())) {
                m.problem("id", "duplicate model id '" + model.id() + "'");
            }
            if (model != null) {
                models.add(model);
            }
        }
        return models;
    }

    private static MatchModel model(ConfigNode m) {
        String id = m.requiredString("id");
        if (id != null && !id.matches(NAME)) {
            m.problem("id", "expected lower-case letters, digits and _, got '" + id + "'");
        }
        Source source = m.enumValue("source", Source.class, null);
        if (source == null && !m.has("source")) {
            m.problem("source", "is required: one of " + ConfigNode.enumNames(Source.class));
        }
        List<String> feeds = m.strings("feeds");
        boolean across = m.bool("across_feeds_only", false);
        int lookback = m.intValue("lookback_days", 30, 1, 3660);
        int continuity = m.intValue("continuity_days", 0, 0, 366);
        if (continuity > 0 && source == Source.RECORDS) {
            m.problem("continuity_days", "links one browser's successive cookies: device models only");
        }
        Map<String, ProfileField> fields = new LinkedHashMap<>();
        // field name -> whether it holds a list (device fields, tokens) or one value
        Map<String, Boolean> available = new LinkedHashMap<>();
        fields(m, source, feeds, fields, available);
        List<BlockingRule> blocking = blocking(m, source, available);
        List<Comparison> comparisons = comparisons(m, source, available);
        IdentityRules.UFrom uFrom = m.enumValue("u_from", IdentityRules.UFrom.class, IdentityRules.UFrom.RANDOM_PAIRS);
        boolean oneToOne = m.bool("one_to_one", false);
        if (oneToOne && !across) {
            m.problem(
                    "one_to_one", "keeps each subject's best match in each other feed: needs across_feeds_only: true");
        }
        m.rejectUnknownKeys();
        return id == null || source == null
                ? null
                : new MatchModel(
                        id,
                        source,
                        feeds,
                        across,
                        lookback,
                        continuity,
                        fields,
                        blocking,
                        comparisons,
                        uFrom,
                        oneToOne);
    }

    private static void fields(
            ConfigNode m,
            Source source,
            List<String> feeds,
            Map<String, ProfileField> fields,
            Map<String, Boolean> available) {
        if (source == Source.DEVICES) {
            DeviceProfiles.FIELDS.forEach((name, list) -> available.put(name, list));
            if (m.has("fields") || m.has("feeds")) {
                m.problem(
                        m.has("fields") ? "fields" : "feeds",
                        "device models take their fields from events: " + DeviceProfiles.FIELDS.keySet());
            }
        } else if (source == Source.RECORDS) {
            recordFields(m, feeds, fields, available);
        }
    }

    private static void recordFields(
            ConfigNode m, List<String> feeds, Map<String, ProfileField> fields, Map<String, Boolean> available) {
        if (feeds.isEmpty()) {
            m.problem("feeds", "expected the record feeds to compare, e.g. [crm, partner]");
        }
        ConfigNode f = m.object("fields");
        for (String name : f.keys()) {
            ConfigNode field = f.object(name);
            List<String> attributes = field.strings("attributes");
            if (attributes.isEmpty()) {
                field.problem("attributes", "expected the attribute names that fill the field");
            }
            int prefix = field.intValue("prefix", 0, 0, 1000);
            List<FieldPreparation.Step> prepare = FieldPreparation.parse(field, "prepare");
            field.rejectUnknownKeys();
            ProfileField profileField = new ProfileField(attributes, prefix, prepare);
            fields.put(name, profileField);
            available.put(name, profileField.isList());
        }
        if (fields.isEmpty()) {
            m.problem("fields", "expected at least one field made of attributes");
        }
    }

    /** A rule's {@code weighting} and {@code pruning}: null without a pruning; weighing alone prunes nothing. */
    private static MetaBlocking.Settings metaBlocking(ConfigNode b, int window) {
        MetaBlocking.Weighting weighting = b.enumValue("weighting", MetaBlocking.Weighting.class, null);
        MetaBlocking.Pruning pruning = b.enumValue("pruning", MetaBlocking.Pruning.class, null);
        if (weighting != null && pruning == null) {
            b.problem(
                    "pruning",
                    "expected one of " + ConfigNode.enumNames(MetaBlocking.Pruning.class) + " with a weighting");
        }
        if (pruning != null && window > 0) {
            b.problem("pruning", "prunes the pairs of blocks; a sorted neighbourhood (window) makes no blocks");
        }
        return pruning == null
                ? null
                : new MetaBlocking.Settings(weighting == null ? MetaBlocking.Weighting.CBS : weighting, pruning);
    }

    private static List<BlockingRule> blocking(ConfigNode m, Source source, Map<String, Boolean> available) {
        List<BlockingRule> blocking = new ArrayList<>();
        for (ConfigNode b : m.objects("blocking")) {
            String name = b.requiredString("name");
            List<String> on = b.strings("on");
            if (on.isEmpty()) {
                b.problem("on", "expected the fields whose equal values make a block");
            }
            for (String field : on) {
                if (source != null && !available.containsKey(field)) {
                    b.problem("on", "unknown field '" + field + "'; expected one of " + available.keySet());
                }
            }
            int max = b.intValue("max_block_size", 100, 2, 1_000_000);
            int minShared = b.intValue("min_shared", 1, 1, 1000);
            if (minShared > 1 && on.size() == 1 && Boolean.FALSE.equals(available.get(on.get(0)))) {
                b.problem(
                        "min_shared",
                        "counts shared blocks of a list field (tokens); '" + on.get(0)
                                + "' holds one value, so a pair shares one block at most");
            }
            int window = b.intValue("window", 0, 0, 1000);
            if (window == 1) {
                b.problem("window", "expected at least 2 (each profile with the next window - 1), or 0 for blocks");
            }
            if (window > 0 && on.stream().anyMatch(f -> Boolean.TRUE.equals(available.get(f)))) {
                b.problem("window", "sorts profiles by one value: a list field cannot be a sorted-neighbourhood key");
            }
            MetaBlocking.Settings meta = metaBlocking(b, window);
            b.rejectUnknownKeys();
            blocking.add(new BlockingRule(name, on, max, minShared, window, meta));
        }
        if (blocking.isEmpty()) {
            m.problem("blocking", "expected at least one blocking rule (pairs are never made from all against all)");
        }
        return blocking;
    }

    private static List<Comparison> comparisons(ConfigNode m, Source source, Map<String, Boolean> available) {
        List<Comparison> comparisons = new ArrayList<>();
        for (ConfigNode c : m.objects("comparisons")) {
            String field = c.requiredString("field");
            String name = c.string("name", field);
            ComparisonKind kind = c.enumValue("kind", ComparisonKind.class, ComparisonKind.EXACT);
            double close = c.doubleValue("close", kind.defaultClose(), 0.0, 1.0);
            double exact = c.doubleValue("exact", 0.9, 0.0, 1.0);
            boolean tf = c.bool("term_frequency", false);
            if (field != null && source != null) {
                checkFieldFits(c, field, kind, available);
            }
            if (tf && !kind.takesTermFrequency()) {
                c.problem("term_frequency", "only exact and overlap comparisons take a term-frequency adjustment");
            }
            c.rejectUnknownKeys();
            comparisons.add(new Comparison(name, field, kind, close, exact, tf));
        }
        if (comparisons.isEmpty()) {
            m.problem("comparisons", "expected at least one comparison");
        }
        return comparisons;
    }

    private static void checkFieldFits(
            ConfigNode c, String field, ComparisonKind kind, Map<String, Boolean> available) {
        Boolean list = available.get(field);
        if (list == null) {
            c.problem("field", "unknown field '" + field + "'; expected one of " + available.keySet());
        } else if (list != (kind.shape() == ComparisonKind.Shape.LIST)) {
            c.problem(
                    "kind",
                    kind.yamlName() + " does not fit field '" + field + "'"
                            + (list
                                    ? "; a list field takes " + ComparisonKind.namesOf(ComparisonKind.Shape.LIST)
                                    : "; a single value takes " + ComparisonKind.namesOf(ComparisonKind.Shape.VALUE)));
        } else if (kind.fieldProblem(field) != null) {
            c.problem("kind", kind.fieldProblem(field));
        }
    }
}
