package io.audiencelake.common.lookalike;

import io.audiencelake.common.config.ConfigNode;
import io.audiencelake.common.config.ConfigProblems;
import io.audiencelake.common.config.YamlDocument;
import io.audiencelake.common.feeds.FeedContract;
import io.audiencelake.common.lookalike.LookalikeModel.Feature;
import io.audiencelake.common.lookalike.LookalikeModel.FeatureKind;
import io.audiencelake.common.lookalike.LookalikeModel.Monitoring;
import io.audiencelake.common.lookalike.LookalikeModel.Tuning;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.ProfileRules.Trait;
import io.audiencelake.common.profiles.ProfileTraits;
import io.audiencelake.common.profiles.Profiles;
import io.audiencelake.common.profiles.RfmScores;
import io.audiencelake.common.profiles.TraitKind;
import io.audiencelake.common.profiles.TraitSource;
import io.audiencelake.common.segments.ControlGroups;
import io.audiencelake.common.segments.SegmentDefinitions;
import io.audiencelake.common.segments.SegmentDefinitions.Segment;
import io.audiencelake.common.segments.SegmentDefinitionsLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampType;

/**
 * Reads and checks {@code lookalike.yaml} against the traits and segments: an unknown seed, feature,
 * exclusion or consent purpose, a reach outside 1%–20%, a feature the seed's own rule reads (the model
 * would only relearn the rule) or an unknown hyper-parameter is reported with the file and field path.
 */
public final class LookalikeModelsLoader {
    private static final String ID = "[a-z][a-z0-9_]*";
    /** {@code features: auto}. */
    public static final String AUTO = "auto";
    /** A feature at least this correlated with seed membership gives the seed away. */
    public static final double DEFAULT_MAX_CORRELATION = 0.9;
    /**
     * Default floor of held-out lift for the recommended reach: twice as seed-like as a random pick. An assumption,
     * not a published figure; held-out lift is a lower bound, so the recommendation leans cautious.
     */
    public static final double DEFAULT_MIN_LIFT = 2.0;

    public static final double MIN_REACH = 0.01;
    public static final double MAX_REACH = 0.20;

    private LookalikeModelsLoader() {}

    public static LookalikeModels load(
            Path file, ProfileRules traits, SegmentDefinitions segments, Collection<FeedContract> contracts) {
        return load(file, traits, segments, contracts, YamlDocument.NO_VARIABLES);
    }

    public static LookalikeModels load(
            Path file,
            ProfileRules traits,
            SegmentDefinitions segments,
            Collection<FeedContract> contracts,
            Function<String, String> environment) {
        ConfigProblems problems = new ConfigProblems(file.toString());
        ConfigNode root = new ConfigNode(YamlDocument.read(file, environment), "", problems);
        Map<String, DataType> columns = new LinkedHashMap<>();
        for (StructField f : Profiles.spec(traits).schema().fields()) {
            columns.put(f.name(), f.dataType());
        }
        columns.remove(ProfileTraits.PERSON_ID);
        columns.remove(ProfileTraits.DT);
        Map<String, Set<String>> labelsOf = SegmentDefinitionsLoader.columnLabels(traits, contracts);
        Map<String, Segment> segmentsById = segments.byId();

        int minSeed = root.intValue("min_seed", 100, 2, Integer.MAX_VALUE);
        long maxEvaluation = root.longValue("max_evaluation_rows", 1_000_000, 1_000, Long.MAX_VALUE);
        List<LookalikeModel> models = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> outputSegments = new HashSet<>();
        for (ConfigNode m : root.objects("models")) {
            LookalikeModel model = model(m, new Context(columns, labelsOf, segments, segmentsById, traits));
            if (model == null) {
                continue;
            }
            if (!ids.add(model.id())) {
                m.problem("id", "duplicate model id '" + model.id() + "'");
            }
            if (!outputSegments.add(model.segmentId())) {
                m.problem("segment", "segment '" + model.segmentId() + "' is written by another model too");
            }
            models.add(model);
        }
        if (!root.has("models")) {
            root.problem("models", "expected a list of models");
        }
        root.rejectUnknownKeys();
        problems.throwIfAny();
        return new LookalikeModels(minSeed, maxEvaluation, models);
    }

    /** What every model of the file is checked against. */
    private record Context(
            Map<String, DataType> columns,
            Map<String, Set<String>> labelsOf,
            SegmentDefinitions segments,
            Map<String, Segment> segmentsById,
            ProfileRules traits) {}

    /** A model's features: listed, or every usable column but {@code excluded} with {@code features: auto}. */
    private record Features(List<Feature> list, boolean auto, Map<String, String> excluded) {}

    /**
     * Either a share of the eligible population or a minimum score, never both; and the share of the members held
     * out of exports as a control group.
     */
    private record Reach(Double share, Double minScore, double controlShare) {}

    private static LookalikeModel model(ConfigNode m, Context c) {
        String id = m.requiredString("id");
        if (id != null && !id.matches(ID)) {
            m.problem("id", "expected lower_snake_case letters, digits and _, got '" + id + "'");
        }
        String name = m.string("name", id);
        String owner = m.requiredString("owner");
        String description = m.string("description", "");
        String seed = m.requiredString("seed");
        // the model's labels are its seed's, its features' and its consent column's
        Set<String> labels = new TreeSet<>();
        Set<String> ruleColumns = seedRuleColumns(m, seed, c, labels);
        String segmentId = outputSegment(m, id, c);
        String consent = m.string("consent", null);
        String consentColumn = consent == null ? null : consentColumn(m, consent, c, labels);
        Features features = features(m, seed, ruleColumns, consentColumn, c, labels);
        Reach reach = reach(m);
        List<String> exclude = exclusions(m, c);
        Fit fit = fit(m);
        double maxCorrelation = maxCorrelation(m, features.auto());
        Monitoring monitoring = monitoring(m);
        m.rejectUnknownKeys();
        if (id == null || seed == null) {
            return null;
        }
        return new LookalikeModel(
                id,
                name,
                owner,
                description,
                seed,
                segmentId,
                features.list(),
                reach.share(),
                reach.minScore(),
                exclude,
                consent,
                consentColumn,
                fit.algorithm(),
                fit.negativesRatio(),
                fit.holdout(),
                fit.params(),
                fit.tuning(),
                labels,
                features.auto(),
                features.excluded(),
                maxCorrelation,
                fit.pu(),
                monitoring,
                reach.controlShare());
    }

    /** How a model is fitted: the classifier, its training rows and hyper-parameters, positive-unlabelled method. */
    private record Fit(
            Algorithm algorithm,
            double negativesRatio,
            double holdout,
            Map<String, Double> params,
            Tuning tuning,
            PuMethod pu) {}

    private static Fit fit(ConfigNode m) {
        Algorithm algorithm = m.enumValue("algorithm", Algorithm.class, Algorithm.LOGISTIC_REGRESSION);
        return new Fit(
                algorithm,
                m.doubleValue("negatives_ratio", 3.0, 0.1, 1000.0),
                m.doubleValue("holdout", 0.2, 0.05, 0.5),
                params(m.object("params"), algorithm),
                m.has("tuning") ? tuning(m.object("tuning"), algorithm) : null,
                m.enumValue("pu", PuMethod.class, PuMethod.NONE));
    }

    /** {@code min_lift} (the recommended reach's floor) and {@code retrain_when_psi_above} (off unless given). */
    private static Monitoring monitoring(ConfigNode m) {
        return new Monitoring(
                m.doubleValue("min_lift", DEFAULT_MIN_LIFT, 1.0, 100.0),
                m.has("retrain_when_psi_above") ? m.doubleValue("retrain_when_psi_above", 0.25, 0.01, 10.0) : null);
    }

    /** The columns the seed segment's rule reads (directly or through segments it references). */
    private static Set<String> seedRuleColumns(ConfigNode m, String seed, Context c, Set<String> labels) {
        if (seed == null) {
            return Set.of();
        }
        Segment s = c.segmentsById().get(seed);
        if (s == null) {
            m.problem(
                    "seed",
                    "unknown segment '" + seed + "'; expected one of "
                            + c.segmentsById().keySet());
            return Set.of();
        }
        labels.addAll(s.labels());
        return SegmentDefinitionsLoader.columnsRead(c.segments(), seed);
    }

    private static String outputSegment(ConfigNode m, String id, Context c) {
        String segmentId = m.string("segment", id);
        if (segmentId != null && c.segmentsById().containsKey(segmentId)) {
            m.problem(
                    "segment",
                    "'" + segmentId + "' is a rule segment of segments.yaml; a lookalike segment needs a "
                            + "name of its own");
        }
        return segmentId;
    }

    private static Features features(
            ConfigNode m, String seed, Set<String> ruleColumns, String consentColumn, Context c, Set<String> labels) {
        if (m.has("features") && !m.isList("features")) {
            if (!AUTO.equals(m.string("features", null))) {
                m.problem("features", "expected a list of profiles columns (traits) or auto");
                return new Features(List.of(), false, Map.of());
            }
            return autoFeatures(seed, ruleColumns, consentColumn, c, labels, featureLabels(m, c, true));
        }
        featureLabels(m, c, false);
        List<Feature> features = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> featureNames = m.strings("features");
        if (featureNames.isEmpty()) {
            m.problem("features", "expected a list of profiles columns (traits) or auto");
        }
        for (int i = 0; i < featureNames.size(); i++) {
            String f = featureNames.get(i);
            String problem = featureProblem(f, seed, ruleColumns, c, seen);
            if (problem != null) {
                m.problem("features[" + i + "]", problem);
                continue;
            }
            features.add(new Feature(f, kindOf(c.columns().get(f))));
            labels.addAll(c.labelsOf().getOrDefault(f, Set.of()));
        }
        return new Features(features, false, Map.of());
    }

    /**
     * {@code feature_labels}: data-usage labels {@code features: auto} may take in beyond the seed's, so that, say,
     * third-party affinities can describe people with no behaviour of their own; the lookalike then carries them and
     * only goes where they are allowed. Each must be a label some profiles column carries. With listed features it
     * is refused: a listed column brings its labels anyway.
     */
    private static Set<String> featureLabels(ConfigNode m, Context c, boolean auto) {
        if (!m.has("feature_labels")) {
            return Set.of();
        }
        if (!auto) {
            m.problem("feature_labels", "applies to features: auto only (a listed column brings its labels anyway)");
            return Set.of();
        }
        Set<String> known = new TreeSet<>();
        c.labelsOf().values().forEach(known::addAll);
        Set<String> accepted = new TreeSet<>();
        List<String> listed = m.strings("feature_labels");
        for (int i = 0; i < listed.size(); i++) {
            if (known.contains(listed.get(i))) {
                accepted.add(listed.get(i));
            } else {
                m.problem(
                        "feature_labels[" + i + "]",
                        "unknown data-usage label '" + listed.get(i) + "'; expected one of " + known);
            }
        }
        return accepted;
    }

    /**
     * {@code features: auto}: every profiles column a model can read, but those of the seed's rule, those counting
     * the same rows as a rule column (another window or measure of the rule: shoe_views_7d when the rule reads
     * shoe_views_30d), the consent column and columns with data-usage labels neither the seed nor {@code
     * feature_labels} carry (they would keep the lookalike from destinations its seed may go to). Shares and rates
     * of the rule's rows stay: they describe taste relative to a person's own activity, not the rule's volume
     * (training still drops near-perfect correlates).
     */
    private static Features autoFeatures(
            String seed,
            Set<String> ruleColumns,
            String consentColumn,
            Context c,
            Set<String> labels,
            Set<String> accepted) {
        Map<String, Trait> traits = new HashMap<>();
        c.traits().traits().forEach(t -> traits.put(t.name(), t));
        List<Feature> features = new ArrayList<>();
        Map<String, String> excluded = new LinkedHashMap<>();
        // The seed's (and consent's) labels: an automatic feature set never narrows where the lookalike may go.
        Set<String> seedLabels = new TreeSet<>(labels);
        seedLabels.addAll(accepted);
        for (Map.Entry<String, DataType> e : c.columns().entrySet()) {
            String column = e.getKey();
            Set<String> wider = new TreeSet<>(c.labelsOf().getOrDefault(column, Set.of()));
            wider.removeAll(seedLabels);
            if (!wider.isEmpty()) {
                excluded.put(
                        column,
                        "carries data-usage labels " + wider + " the seed does not: the lookalike could not go "
                                + "wherever the seed goes (list the column, or its labels in feature_labels, to use it)");
                continue;
            }
            String why = autoExclusion(
                    column,
                    e.getValue(),
                    seed,
                    ruleColumns,
                    consentColumn,
                    traits,
                    c.traits().rfm());
            if (why != null) {
                excluded.put(column, why);
                continue;
            }
            features.add(new Feature(column, kindOf(e.getValue())));
            labels.addAll(c.labelsOf().getOrDefault(column, Set.of()));
        }
        return new Features(features, true, excluded);
    }

    private static String autoExclusion(
            String column,
            DataType type,
            String seed,
            Set<String> ruleColumns,
            String consentColumn,
            Map<String, Trait> traits,
            ProfileRules.Rfm rfm) {
        if (ruleColumns.contains(column)) {
            return "read by the rule of seed segment " + seed;
        }
        if (column.equals(consentColumn)) {
            return "the model's consent column: every eligible person has granted it";
        }
        if (kindOf(type) == null) {
            return "a " + type.simpleString() + " column, not a number, boolean, date or text";
        }
        for (String source : derivedFrom(column, rfm)) {
            String why = ruleRows(source, seed, ruleColumns, traits);
            if (why != null) {
                return "derived from " + source + ", which is " + why;
            }
        }
        return ruleRows(column, seed, ruleColumns, traits);
    }

    /** Why a trait is the seed rule's rows (read by it, or counting the same rows as a column it reads), or null. */
    private static String ruleRows(String column, String seed, Set<String> ruleColumns, Map<String, Trait> traits) {
        if (ruleColumns.contains(column)) {
            return "read by the rule of seed segment " + seed;
        }
        Trait t = traits.get(column);
        if (t == null || t.kind() == TraitKind.SHARE || t.kind() == TraitKind.RATE) {
            return null;
        }
        for (String r : ruleColumns) {
            Trait rule = traits.get(r);
            if (rule != null && sameRows(t, rule)) {
                return "counts the same rows as rule column " + r + " ("
                        + t.source().name().toLowerCase(Locale.ROOT)
                        + (t.where().isEmpty() ? "" : " where " + new TreeMap<>(t.where())) + ")";
            }
        }
        return null;
    }

    /** The traits a computed profiles column is made from: the RFM scores' (none for a trait column). */
    private static List<String> derivedFrom(String column, ProfileRules.Rfm rfm) {
        if (rfm == null) {
            return List.of();
        }
        return switch (column) {
            case RfmScores.RECENCY -> List.of(rfm.recency());
            case RfmScores.FREQUENCY -> List.of(rfm.frequency());
            case RfmScores.MONETARY -> List.of(rfm.monetary());
            case RfmScores.SCORE -> List.of(rfm.recency(), rfm.frequency(), rfm.monetary());
            default -> List.of();
        };
    }

    /** Two traits over the same rows of the same source: a window or measure of the other's rows. */
    private static boolean sameRows(Trait a, Trait b) {
        return a.source() == b.source()
                && a.where().equals(b.where())
                && a.among().isEmpty()
                && (a.source() != TraitSource.ATTRIBUTES || Objects.equals(a.of(), b.of()));
    }

    /** {@code max_feature_correlation}: only with {@code features: auto}, whose training it guards. */
    private static double maxCorrelation(ConfigNode m, boolean auto) {
        if (!auto && m.has("max_feature_correlation")) {
            m.problem("max_feature_correlation", "applies to features: auto only (listed features are used as listed)");
        }
        return m.doubleValue("max_feature_correlation", DEFAULT_MAX_CORRELATION, 0.5, 1.0);
    }

    private static String featureProblem(String f, String seed, Set<String> ruleColumns, Context c, Set<String> seen) {
        DataType type = c.columns().get(f);
        if (type == null) {
            return "unknown profiles column '" + f + "'; expected a trait of traits.yaml or one of "
                    + ProfileTraits.BUILT_IN;
        }
        if (!seen.add(f)) {
            return "'" + f + "' is listed twice";
        }
        if (ruleColumns.contains(f)) {
            return "'" + f + "' is read by the rule of seed segment '" + seed + "': the model would relearn "
                    + "the rule instead of finding people like its members; drop it";
        }
        if (kindOf(type) == null) {
            return "'" + f + "' is " + type.simpleString() + "; expected a number, boolean, date or text column";
        }
        return null;
    }

    private static Reach reach(ConfigNode m) {
        if (m.has("reach") == m.has("min_score")) {
            m.problem("reach", "set either reach (a share of the eligible population, e.g. 5%) or min_score");
        }
        Double share = m.has("reach")
                ? m.parsed("reach", null, "a share from 1% to 20%, e.g. 5%", LookalikeModelsLoader::share)
                : null;
        Double minScore = m.has("min_score") ? m.doubleValue("min_score", 0.5, 0.0, 1.0) : null;
        return new Reach(
                share,
                minScore,
                m.parsed("control_group", 0.0, SegmentDefinitionsLoader.SHARE_EXPECTED, ControlGroups::share));
    }

    private static List<String> exclusions(ConfigNode m, Context c) {
        List<String> exclude = m.strings("exclude");
        for (int i = 0; i < exclude.size(); i++) {
            if (!c.segmentsById().containsKey(exclude.get(i))) {
                m.problem("exclude[" + i + "]", "unknown segment '" + exclude.get(i) + "'");
            }
        }
        return exclude;
    }

    private static String consentColumn(ConfigNode m, String consent, Context c, Set<String> labels) {
        String consentColumn = c.segments().consentColumns().get(consent);
        if (consentColumn == null) {
            m.problem(
                    "consent",
                    "unknown purpose '" + consent + "'; expected one of "
                            + new TreeSet<>(c.segments().consentColumns().keySet())
                            + " (segments.yaml consent.purposes)");
        } else {
            labels.addAll(c.labelsOf().getOrDefault(consentColumn, Set.of()));
        }
        return consentColumn;
    }

    private static Map<String, Double> params(ConfigNode p, Algorithm algorithm) {
        Map<String, Double> params = new LinkedHashMap<>();
        for (String key : p.keys()) {
            if (!algorithm.params().contains(key)) {
                p.problem(
                        key, "not a parameter of " + algorithm.yamlName() + "; expected one of " + algorithm.params());
                p.string(key, null);
                continue;
            }
            params.put(key, p.doubleValue(key, 0, 0, 1e6));
        }
        return params;
    }

    private static Tuning tuning(ConfigNode t, Algorithm algorithm) {
        int folds = t.intValue("folds", 3, 2, 20);
        Map<String, List<Double>> grid = new LinkedHashMap<>();
        ConfigNode g = t.object("grid");
        for (String key : g.keys()) {
            List<String> values = g.strings(key);
            if (!algorithm.params().contains(key)) {
                g.problem(
                        key, "not a parameter of " + algorithm.yamlName() + "; expected one of " + algorithm.params());
                continue;
            }
            List<Double> numbers = new ArrayList<>();
            for (String v : values) {
                try {
                    numbers.add(Double.parseDouble(v));
                } catch (NumberFormatException e) {
                    g.problem(key, "expected a list of numbers, got '" + v + "'");
                }
            }
            grid.put(key, numbers);
        }
        if (grid.isEmpty()) {
            t.problem("grid", "expected at least one parameter with a list of values to try");
        }
        t.rejectUnknownKeys();
        return new Tuning(folds, grid);
    }

    private static Double share(String text) {
        double v = text.endsWith("%")
                ? Double.parseDouble(text.substring(0, text.length() - 1).trim()) / 100
                : Double.parseDouble(text);
        return v >= MIN_REACH - 1e-12 && v <= MAX_REACH + 1e-12 ? v : null;
    }

    public static FeatureKind kindOf(DataType type) {
        if (type instanceof NumericType) {
            return FeatureKind.NUMERIC;
        }
        if (type instanceof BooleanType) {
            return FeatureKind.BOOLEAN;
        }
        if (type instanceof DateType || type instanceof TimestampType) {
            return FeatureKind.DAYS_BEFORE;
        }
        if (type instanceof StringType) {
            return FeatureKind.CATEGORICAL;
        }
        return null;
    }
}
