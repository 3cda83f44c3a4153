package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.feeds.RawIdentifiers;
import io.audiencelake.common.identity.CandidatePairs;
import io.audiencelake.common.identity.ComparedPairs;
import io.audiencelake.common.identity.ConnectedComponents;
import io.audiencelake.common.identity.DeterministicLinks;
import io.audiencelake.common.identity.DeviceContinuity;
import io.audiencelake.common.identity.DeviceDays;
import io.audiencelake.common.identity.GraphVersions;
import io.audiencelake.common.identity.GroundTruthIdentifiers;
import io.audiencelake.common.identity.IdEdges;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.identity.IdMatchMetrics;
import io.audiencelake.common.identity.IdMatchMetrics.Metric;
import io.audiencelake.common.identity.IdMatchMetrics.MetricName;
import io.audiencelake.common.identity.IdentifierNodes;
import io.audiencelake.common.identity.IdentifierState;
import io.audiencelake.common.identity.IdentityRules;
import io.audiencelake.common.identity.IdentityRules.MatchModel;
import io.audiencelake.common.identity.IdentityRulesLoader;
import io.audiencelake.common.identity.MatchEvaluation;
import io.audiencelake.common.identity.MatchProfiles;
import io.audiencelake.common.identity.PersonIds;
import io.audiencelake.common.identity.ProbabilisticMatching;
import io.audiencelake.common.identity.ReachableLinks;
import io.audiencelake.common.identity.SeenTogether;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.lake.Versions;
import java.io.PrintWriter;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Builds the identity graph as of a date from every identifier, event and attribute up to it:
 * deterministic links, noise cut, probabilistic matches per model, connected components, stable
 * person ids; writes the date's partitions of id_edges, id_graph and id_match_metrics.
 */
@Command(
        name = "identity",
        mixinStandardHelpOptions = true,
        description = "Stitch identifiers into persons: deterministic links, Fellegi-Sunter matching, connected "
                + "components and stable person ids (id_edges, id_graph, id_match_metrics).")
public final class IdentityJob implements Job<IdentityRules>, Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityJob.class);

    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--evaluate",
            paramLabel = "PATH",
            description = "Score the graph against ground truth: CSV files (id_type,id_value,person_key[,device_kind]) "
                    + "under PATH, e.g. local-data/ground-truth/identifiers, or the ground-truth folder itself (then "
                    + "its persons files add households). Overall, deterministic links alone, by device kind and "
                    + "household mixing go to id_match_metrics, the output and the log.")
    String evaluate;

    @Option(
            names = "--rebuild",
            description = "Recompute from all of raw_identifiers and score every candidate pair again, instead of "
                    + "adding what landed since the previous run to id_identifiers and id_cooccurrence: after "
                    + "changing identity.yaml, or after loading past raw partitions. Person ids stay stable.")
    boolean rebuild;

    @Override
    public String name() {
        return "identity";
    }

    @Override
    public IdentityRules load(AppConfig config) {
        return IdentityRulesLoader.load(config.identityRules());
    }

    /**
     * What the run starts from: id_graph's and id_edges' versions, and identity's state (id_identifiers,
     * id_cooccurrence) with the raw partitions after {@code since} still to add; without state (first run,
     * --rebuild) {@code since} is null and every partition is read.
     *
     * @param seeded the state, id_graph and id_edges are all of one earlier run, so its components can seed this
     *     run's
     * @param compared id_compared_pairs of the state's run, whose pairs between unchanged profiles keep their levels;
     *     null when missing or of another run: the models compare every pair again
     */
    record Previous(
            Dataset<Row> graph,
            Dataset<Row> edges,
            Dataset<Row> identifiers,
            Dataset<Row> pairs,
            LocalDate since,
            boolean seeded,
            Dataset<Row> compared) {}

    /**
     * The date's identifiers (noise cut) and the deterministic links between them, the state to keep (every
     * identifier within the history, with its last delivery; every pair seen together) and the row count read.
     */
    private record Deterministic(
            Dataset<Row> identifiers,
            Dataset<Row> edges,
            Dataset<Row> expired,
            Dataset<Row> seen,
            Dataset<Row> pairs,
            long identifierCount,
            long edgeCount,
            long delivered) {
        Dataset<Row> nodes() {
            return identifiers.select(IdentifierNodes.NODE);
        }
    }

    /**
     * The links of the run, the deterministic components (for id_identifiers' linked) and the match models'
     * profile state to keep (null without models).
     */
    private record Links(
            Dataset<Row> edges,
            Dataset<Row> linked,
            MatchProfiles profiles,
            Dataset<Row> continuity,
            Dataset<Row> compared) {}

    /**
     * The date's graph with its stable ids, id_graph's versions after it, and how many persons merged and split
     * since the previous run.
     */
    private record Graph(Dataset<Row> rows, Dataset<Row> versions, long merges, long splits) {}

    @Override
    public JobResult run(JobContext context, IdentityRules rules) {
        List<Metric> metrics = new ArrayList<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        Previous previous = previous(context);
        Deterministic deterministic = deterministic(context, rules, previous, metrics);
        Links links = matched(context, rules, deterministic, previous, metrics, counts);
        Dataset<Row> edges = links.edges();
        Graph graph = graph(context, rules, deterministic, previous, edges, metrics);
        Map<String, Long> changes =
                write(context, rules, deterministic.identifiers(), edges, graph.versions(), previous.edges());
        writeState(context, deterministic, links);
        changes.forEach((change, n) -> {
            metrics.add(new Metric(MetricName.GRAPH_CHANGES, change, n));
            counts.put("identifiers." + change, n);
        });
        long persons = summarize(graph.rows(), rules, metrics);
        LOG.info(
                "{} identifiers in {} persons ({} merged, {} split since the previous run)",
                deterministic.identifierCount(),
                persons,
                graph.merges(),
                graph.splits());
        if (evaluate != null) {
            evaluate(context, graph.rows(), rules, deterministic, links, metrics);
        }
        writeMetrics(context, metrics);
        context.spark().catalog().clearCache();
        counts.put("raw_identifiers.read", deterministic.delivered());
        counts.put("identifiers", deterministic.identifierCount());
        counts.put("edges.deterministic", deterministic.edgeCount());
        counts.put("persons", persons);
        counts.put("persons.merged", graph.merges());
        counts.put("persons.split", graph.splits());
        return new JobResult(deterministic.identifierCount(), deterministic.identifierCount(), 0, counts);
    }

    /**
     * Identity's state before the run. A run for a date before the tables' latest run is refused; state of
     * another run than the graph's (a run stopped between writes) is used but does not seed the components.
     */
    private Previous previous(JobContext context) {
        LakeTables lake = context.lake();
        LocalDate date = context.date();
        Versioned graphVersions = versions(context, IdGraph.SPEC, GraphVersions.VERSIONS, IdGraph.DT);
        Versioned edgeVersions = versions(context, IdEdges.SPEC, IdEdges.VERSIONS, IdEdges.DT);
        Dataset<Row> graph = graphVersions.table();
        Dataset<Row> edges = edgeVersions.table();
        if (rebuild || !lake.exists(IdentifierState.SPEC) || !lake.exists(SeenTogether.SPEC)) {
            return new Previous(graph, edges, null, null, null, false, null);
        }
        Dataset<Row> identifiers = lake.read(IdentifierState.SPEC);
        Dataset<Row> pairs = lake.read(SeenTogether.SPEC);
        LocalDate[] both = through(identifiers, pairs);
        LocalDate through = both[0];
        LocalDate pairsThrough = both[1];
        if (through == null || (pairsThrough != null && !through.equals(pairsThrough))) {
            LOG.warn(
                    "identity's state is empty or of two runs ({}, {}): recomputing from all raw_identifiers",
                    through,
                    pairsThrough);
            return new Previous(graph, edges, null, null, null, false, null);
        }
        if (through.isAfter(date)) {
            throw new IllegalStateException(IdentifierState.SPEC.name() + " already holds the run of " + through
                    + ", after " + date + ": identity runs forward in time; run it for " + through + " or later");
        }
        // A rerun of the state's date re-adds that date's partitions: folding them twice changes nothing.
        LocalDate since = through.isBefore(date) ? through : date.minusDays(1);
        boolean seeded = through.isBefore(date)
                && through.equals(graphVersions.latest())
                && through.equals(edgeVersions.latest());
        LOG.info(
                "identity adds raw partitions after {} to its state of {}{}",
                since,
                through,
                seeded ? "" : " (components recomputed: the graph is of another run)");
        return new Previous(graph, edges, identifiers, pairs, since, seeded, compared(lake, through));
    }

    /** id_compared_pairs when it is of the run {@code through} (null when missing, empty or of another run). */
    private static Dataset<Row> compared(LakeTables lake, LocalDate through) {
        if (!lake.exists(ComparedPairs.SPEC)) {
            return null;
        }
        Dataset<Row> table = lake.read(ComparedPairs.SPEC);
        Row latest = table.agg(max(ComparedPairs.THROUGH)).first();
        if (latest.isNullAt(0) || !through.equals(latest.getDate(0).toLocalDate())) {
            LOG.info("id_compared_pairs is not of the state's run {}: the match models compare every pair", through);
            return null;
        }
        return table;
    }

    /** The run dates the two state tables are up to (null for an empty one), in one pass over both. */
    private static LocalDate[] through(Dataset<Row> identifiers, Dataset<Row> pairs) {
        LocalDate[] out = new LocalDate[2];
        // Two rows at most: small enough to list on the driver.
        for (Row r : identifiers
                .select(lit(0).as("t"), col(IdentifierState.THROUGH))
                .unionByName(pairs.select(lit(1).as("t"), col(SeenTogether.THROUGH)))
                .groupBy("t")
                .agg(max(IdentifierState.THROUGH))
                .collectAsList()) {
            out[r.getInt(0)] = r.isNullAt(1) ? null : r.getDate(1).toLocalDate();
        }
        return out;
    }

    /** A versioned table's rows and the latest run that wrote them (null when none). */
    private record Versioned(Dataset<Row> table, LocalDate latest) {}

    /**
     * Identifiers and deterministic links up to the date: the raw partitions since the previous run folded into
     * the state, identifiers not delivered for their inactivity limit expired, those with too many co-identifiers
     * cut as noise.
     */
    private Deterministic deterministic(
            JobContext context, IdentityRules rules, Previous previous, List<Metric> metrics) {
        context.step(name(), "deterministic links");
        LocalDate date = context.date();
        Dataset<Row> delivered = DeterministicLinks.delivered(
                        context.lake().read(RawIdentifiers.SPEC), previous.since(), date)
                .persist(StorageLevel.MEMORY_AND_DISK());
        long read = delivered.count();
        Dataset<Row> all = DeterministicLinks.foldSeen(previous.identifiers(), DeterministicLinks.seen(delivered));
        // Beyond the history nothing of an identifier is kept: it comes back, if ever, as a new one.
        Column kept = col(DeterministicLinks.LAST_DELIVERED)
                .geq(lit(Date.valueOf(date.minusDays(rules.expiry().historyDays()))));
        Dataset<Row> seen = all.where(kept).localCheckpoint();
        Dataset<Row> pairs = DeterministicLinks.without(
                        DeterministicLinks.foldTogether(previous.pairs(), DeterministicLinks.together(delivered)),
                        all.where(functions.not(kept)))
                .localCheckpoint();
        delivered.unpersist();
        // Identifiers not seen for their type's inactive_days leave before anything links them.
        Dataset<Row> expired = DeterministicLinks.expired(seen, date, rules.expiry())
                .select(IdentifierNodes.NODE, IdentifierNodes.ID_TYPE, IdentifierNodes.ID_VALUE)
                .localCheckpoint();
        Dataset<Row> active = DeterministicLinks.without(pairs, expired).persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> current =
                seen.join(expired.select(IdentifierNodes.NODE), new String[] {IdentifierNodes.NODE}, "left_anti");
        Dataset<Row> noise = DeterministicLinks.noise(DeterministicLinks.degrees(active, current, rules), rules)
                .localCheckpoint();
        reportNoise(noise, metrics);
        Dataset<Row> identifiers = current.drop(DeterministicLinks.LAST_DELIVERED)
                .join(noise.select(IdentifierNodes.NODE), new String[] {IdentifierNodes.NODE}, "left_anti")
                .localCheckpoint();
        Dataset<Row> edges = DeterministicLinks.edges(active, noise, rules)
                .withColumn(IdEdges.KIND, lit(IdEdges.DETERMINISTIC))
                .withColumn(IdEdges.SCORE, lit(1.0))
                .withColumn(
                        IdEdges.EVIDENCE,
                        array().cast(IdEdges.SPEC
                                .schema()
                                .apply(IdEdges.EVIDENCE)
                                .dataType()))
                .localCheckpoint();
        active.unpersist();
        Deterministic out =
                new Deterministic(identifiers, edges, expired, seen, pairs, identifiers.count(), edges.count(), read);
        LOG.info(
                "{} raw_identifiers rows read; {} identifiers, {} deterministic links",
                read,
                out.identifierCount(),
                out.edgeCount());
        metrics.add(new Metric(MetricName.IDENTIFIERS, "", out.identifierCount()));
        metrics.add(new Metric(MetricName.EDGES, IdEdges.DETERMINISTIC, out.edgeCount()));
        return out;
    }

    private static void reportNoise(Dataset<Row> noise, List<Metric> metrics) {
        // One row per identifier type: small enough to list on the driver.
        for (Row r : noise.groupBy(IdentifierNodes.ID_TYPE).agg(count(lit(1))).collectAsList()) {
            LOG.warn(
                    "cut {} {} identifiers seen with more identifiers than their cap (noise)",
                    r.getLong(1),
                    r.getString(0));
            metrics.add(new Metric(MetricName.NOISE_IDENTIFIERS, r.getString(0), r.getLong(1)));
        }
    }

    /**
     * The deterministic links plus each model's accepted probabilistic links that are not already deterministic,
     * and the deterministic components. A daily run scores only pairs with a changed profile (new data since the
     * previous run, or new to the graph); the previous run's links between unchanged profiles stand.
     */
    private Links matched(
            JobContext context,
            IdentityRules rules,
            Deterministic deterministic,
            Previous previous,
            List<Metric> metrics,
            Map<String, Long> counts) {
        Dataset<Row> edges = deterministic.edges();
        Dataset<Row> nodes = deterministic.nodes();
        Dataset<Row> components = deterministicComponents(context, rules, deterministic, previous);
        Dataset<Row> linked =
                rules.models().isEmpty() ? null : anchored(components, deterministic.identifiers(), rules);
        Dataset<Row> newToGraph = previous.since() == null
                ? null
                : nodes.join(
                                GraphVersions.before(previous.graph(), context.date())
                                        .select(IdentifierNodes.node().as(IdentifierNodes.NODE)),
                                new String[] {IdentifierNodes.NODE},
                                "left_anti")
                        .localCheckpoint();
        MatchProfiles profiles = rules.models().isEmpty()
                ? null
                : MatchProfiles.load(context.lake(), rules, previous.since(), context.date());
        Dataset<Row> continuity = continuity(context, rules, profiles, deterministic, metrics, counts);
        if (continuity != null) {
            edges = edges.unionByName(continuity);
        }
        Dataset<Row> compared = null;
        for (MatchModel model : rules.models()) {
            context.step(name(), "match " + model.id());
            Dataset<Row> touched = previous.compared() == null ? null : touched(model, profiles, newToGraph);
            Dataset<Row> standing =
                    touched == null ? null : standing(model, previous.compared(), deterministic, touched);
            ProbabilisticMatching.Result result =
                    model(rules, model, profiles, deterministic, linked, standing == null ? null : touched, standing);
            metrics.addAll(result.metrics());
            Dataset<Row> rows =
                    ComparedPairs.rows(result.compared(), model, deterministic.identifiers(), context.date());
            compared = compared == null ? rows : compared.unionByName(rows);
            Dataset<Row> accepted = result.edges()
                    .join(
                            deterministic.edges().select(DeterministicLinks.SRC, DeterministicLinks.DST),
                            new String[] {DeterministicLinks.SRC, DeterministicLinks.DST},
                            "left_anti")
                    .withColumn(IdEdges.KIND, lit(IdEdges.PROBABILISTIC));
            edges = edges.unionByName(counted(rules, model, without(accepted, continuity), metrics, counts));
        }
        return new Links(edges, components, profiles, continuity, compared);
    }

    /** Components of the deterministic links, seeded with the previous run's when the state is of its run. */
    private static Dataset<Row> deterministicComponents(
            JobContext context, IdentityRules rules, Deterministic deterministic, Previous previous) {
        if (!previous.seeded()) {
            return ConnectedComponents.update(
                            deterministic.nodes(), deterministic.edges(), null, null, rules.maxIterations())
                    .components();
        }
        Dataset<Row> before = IdEdges.VERSIONS.before(previous.edges(), context.date());
        return ConnectedComponents.update(
                        deterministic.nodes(),
                        deterministic.edges(),
                        previous.identifiers()
                                .where(col(IdentifierState.LINKED).isNotNull())
                                .select(
                                        IdentifierNodes.node().as(IdentifierNodes.NODE),
                                        col(IdentifierState.LINKED).as(ConnectedComponents.COMPONENT)),
                        nodeEdges(before.where(col(IdEdges.KIND).equalTo(IdEdges.DETERMINISTIC))),
                        rules.maxIterations())
                .components();
    }

    /** The links less those of {@code known} (null: none). */
    private static Dataset<Row> without(Dataset<Row> links, Dataset<Row> known) {
        return known == null
                ? links
                : links.join(
                        known.select(DeterministicLinks.SRC, DeterministicLinks.DST),
                        new String[] {DeterministicLinks.SRC, DeterministicLinks.DST},
                        "left_anti");
    }

    /** A model's links, materialised and counted in the log, the metrics and the run's counts. */
    private static Dataset<Row> counted(
            IdentityRules rules, MatchModel model, Dataset<Row> links, List<Metric> metrics, Map<String, Long> counts) {
        Dataset<Row> accepted = links.localCheckpoint();
        long n = accepted.count();
        LOG.info("model {}: {} links at match probability >= {}", model.id(), n, rules.threshold());
        metrics.add(new Metric(MetricName.EDGES, IdEdges.PROBABILISTIC + "/" + model.id(), n));
        counts.put("edges." + model.id(), n);
        return accepted;
    }

    /**
     * Links of one browser's successive cookies (its churn), found over the device models' window before any
     * person-level matching, again each run over the window as a rebuild finds them. Null when no device model
     * asks for them.
     */
    private Dataset<Row> continuity(
            JobContext context,
            IdentityRules rules,
            MatchProfiles profiles,
            Deterministic deterministic,
            List<Metric> metrics,
            Map<String, Long> counts) {
        int days = rules.models().stream()
                .filter(m -> m.source() == IdentityRules.Source.DEVICES)
                .mapToInt(MatchModel::continuityDays)
                .max()
                .orElse(0);
        if (days == 0 || profiles == null || profiles.deviceDays() == null) {
            return null;
        }
        context.step(name(), "cookie continuity");
        // Found again over the window each run, as a rebuild finds them: a daily run gives the rebuild's links.
        Dataset<Row> found =
                DeviceContinuity.links(profiles.deviceDays(), days, DeviceContinuity.MAX_DEVICES_PER_ADDRESS);
        Dataset<Row> nodes = deterministic.nodes();
        Dataset<Row> links = found.select(
                        functions
                                .least(col(DeterministicLinks.SRC), col(DeterministicLinks.DST))
                                .as(DeterministicLinks.SRC),
                        functions
                                .greatest(col(DeterministicLinks.SRC), col(DeterministicLinks.DST))
                                .as(DeterministicLinks.DST))
                .distinct()
                .join(nodes.toDF(DeterministicLinks.SRC), new String[] {DeterministicLinks.SRC}, "left_semi")
                .join(nodes.toDF(DeterministicLinks.DST), new String[] {DeterministicLinks.DST}, "left_semi")
                .join(
                        deterministic.edges().select(DeterministicLinks.SRC, DeterministicLinks.DST),
                        new String[] {DeterministicLinks.SRC, DeterministicLinks.DST},
                        "left_anti")
                .withColumn(IdEdges.RULE, lit(DeviceContinuity.RULE))
                .withColumn(IdEdges.SCORE, lit(1.0))
                .withColumn(
                        IdEdges.EVIDENCE,
                        array().cast(IdEdges.SPEC
                                .schema()
                                .apply(IdEdges.EVIDENCE)
                                .dataType()))
                .withColumn(IdEdges.KIND, lit(IdEdges.CONTINUITY))
                .localCheckpoint();
        long n = links.count();
        LOG.info("cookie continuity: {} links of a browser's successive cookies", n);
        metrics.add(new Metric(MetricName.EDGES, IdEdges.CONTINUITY, n));
        counts.put("edges." + IdEdges.CONTINUITY, n);
        return links;
    }

    /** One model's run over the graph's profiles: its accepted pairs and every pair's levels. */
    private static ProbabilisticMatching.Result model(
            IdentityRules rules,
            MatchModel model,
            MatchProfiles state,
            Deterministic deterministic,
            Dataset<Row> linked,
            Dataset<Row> touched,
            Dataset<Row> standing) {
        // Materialised once: blocking, term frequencies and the random pairs each read the profiles, and each read
        // would aggregate the partials (or values) again.
        Dataset<Row> profiles = state.profiles(model)
                .join(deterministic.nodes(), new String[] {IdentifierNodes.NODE}, "left_semi")
                .localCheckpoint();
        return ProbabilisticMatching.run(profiles, model, rules, linked, touched, standing);
    }

    /**
     * Nodes whose profile for the model changed since the previous run (new events or attributes) or that are new
     * to the graph: every candidate pair with one of them is scored. Null on a run without state: all are.
     */
    private static Dataset<Row> touched(MatchModel model, MatchProfiles profiles, Dataset<Row> newToGraph) {
        Dataset<Row> changed = profiles.changed(model);
        if (changed == null) {
            return null;
        }
        return changed.unionByName(newToGraph).distinct().localCheckpoint();
    }

    /**
     * The model's compared pairs of the previous run whose levels stand: neither end's profile changed (so the pair
     * is not compared again) and both ends are still in the graph. Null when the model has none or had other
     * settings: then every pair is compared again.
     */
    private static Dataset<Row> standing(
            MatchModel model, Dataset<Row> compared, Deterministic deterministic, Dataset<Row> touched) {
        Dataset<Row> mine = compared.where(col(ComparedPairs.MODEL).equalTo(model.id()));
        // Two rows at most (settings the same or not): small enough to list.
        List<Row> settings = mine.groupBy(col(ComparedPairs.SIGNATURE).equalTo(ComparedPairs.signature(model)))
                .count()
                .collectAsList();
        if (settings.size() != 1 || !settings.get(0).getBoolean(0)) {
            LOG.info("model {}: no compared pairs of its settings kept; every candidate pair is compared", model.id());
            return null;
        }
        Dataset<Row> nodes = deterministic.nodes();
        String left = CandidatePairs.LEFT + IdentifierNodes.NODE;
        String right = CandidatePairs.RIGHT + IdentifierNodes.NODE;
        return ComparedPairs.leveled(mine, model)
                .join(nodes.toDF(left), new String[] {left}, "left_semi")
                .join(nodes.toDF(right), new String[] {right}, "left_semi")
                .join(touched.toDF(left), new String[] {left}, "left_anti")
                .join(touched.toDF(right), new String[] {right}, "left_anti");
    }

    /** (src, dst) node numbers of id_edges rows. */
    private static Dataset<Row> nodeEdges(Dataset<Row> edges) {
        return edges.select(
                IdentifierNodes.node(col(IdEdges.SRC_TYPE), col(IdEdges.SRC_VALUE))
                        .as(DeterministicLinks.SRC),
                IdentifierNodes.node(col(IdEdges.DST_TYPE), col(IdEdges.DST_VALUE))
                        .as(DeterministicLinks.DST));
    }

    /** Connected components of all links, with stable person ids carried over from the previous graph. */
    private Graph graph(
            JobContext context,
            IdentityRules rules,
            Deterministic deterministic,
            Previous previous,
            Dataset<Row> edges,
            List<Metric> metrics) {
        Dataset<Row> identifiers = deterministic.identifiers();
        Dataset<Row> versions = previous.graph();
        context.step(name(), "connected components");
        ConnectedComponents.Result cc = previous.seeded()
                ? ConnectedComponents.update(
                        identifiers.select(IdentifierNodes.NODE),
                        edges,
                        personComponents(GraphVersions.before(versions, context.date())),
                        nodeEdges(IdEdges.VERSIONS.before(previous.edges(), context.date())),
                        rules.maxIterations())
                : ConnectedComponents.of(identifiers.select(IdentifierNodes.NODE), edges, rules.maxIterations());
        metrics.add(new Metric(MetricName.PROPAGATION_ROUNDS, "", cc.rounds()));
        Dataset<Row> members =
                identifiers.join(cc.components(), IdentifierNodes.NODE).localCheckpoint();

        context.step(name(), "stable person ids");
        Dataset<Row> before = GraphVersions.before(versions, context.date()).localCheckpoint();
        PersonIds.Result ids = PersonIds.assign(members, before.isEmpty() ? null : before, context.date());
        long merges = PersonIds.merges(ids.overlaps());
        long splits = PersonIds.splits(ids.overlaps());
        metrics.add(new Metric(MetricName.PERSONS_MERGED, "", merges));
        metrics.add(new Metric(MetricName.PERSONS_SPLIT, "", splits));
        Dataset<Row> sizes =
                members.groupBy(ConnectedComponents.COMPONENT).agg(count(lit(1)).as(IdGraph.PERSON_SIZE));
        Dataset<Row> graph = members.join(sizes, ConnectedComponents.COMPONENT)
                .join(ids.assignment(), ConnectedComponents.COMPONENT)
                .select(
                        col(IdGraph.PERSON_ID),
                        col(IdGraph.ID_TYPE),
                        col(IdGraph.ID_VALUE),
                        col(IdGraph.HASHED),
                        col(IdGraph.FIRST_SEEN),
                        col(IdGraph.LAST_SEEN),
                        col(IdGraph.PERSON_SIZE),
                        col(IdGraph.PERSON_SIZE).gt(rules.maxClusterSize()).as(IdGraph.OVERSIZED))
                .localCheckpoint();
        Dataset<Row> next = GraphVersions.next(
                versions, graph, context.date(), rules.expiry().historyDays(), deterministic.expired());
        return new Graph(graph, next, merges, splits);
    }

    /**
     * Writes the date's id_edges (with both ends' identifiers) and id_graph's versions; returns the graph's
     * changes by kind. The graph's quality checks pass before the first commit (id_edges): a stopped run writes
     * nothing.
     */
    private Map<String, Long> write(
            JobContext context,
            IdentityRules rules,
            Dataset<Row> identifiers,
            Dataset<Row> edges,
            Dataset<Row> versions,
            Dataset<Row> edgeTable) {
        context.step(name(), "write id_edges");
        Dataset<Row> ends = identifiers.select(IdentifierNodes.NODE, IdentifierNodes.ID_TYPE, IdentifierNodes.ID_VALUE);
        Dataset<Row> edgeRows = edges.join(
                        ends.toDF("src", IdEdges.SRC_TYPE, IdEdges.SRC_VALUE), DeterministicLinks.SRC)
                .join(ends.toDF("dst", IdEdges.DST_TYPE, IdEdges.DST_VALUE), DeterministicLinks.DST)
                .select(
                        col(IdEdges.SRC_TYPE),
                        col(IdEdges.SRC_VALUE),
                        col(IdEdges.DST_TYPE),
                        col(IdEdges.DST_VALUE),
                        col(IdEdges.KIND),
                        col(IdEdges.RULE),
                        col(IdEdges.SCORE),
                        col(IdEdges.EVIDENCE));
        // The new versions are computed from the tables they replace: materialise them before the writes.
        Dataset<Row> edgeVersions = IdEdges.VERSIONS
                .next(edgeTable, edgeRows, context.date(), rules.expiry().historyDays(), null)
                .localCheckpoint();
        Dataset<Row> checkedGraph =
                context.lake().checkBeforeWriting(IdGraph.SPEC, versions.localCheckpoint(), Map.of());
        Map<String, Long> changes = changeCounts(checkedGraph, Date.valueOf(context.date()));
        context.lake().replace(IdEdges.SPEC, edgeVersions);
        context.step(name(), "write id_graph");
        context.lake().replace(IdGraph.SPEC, checkedGraph);
        return changes;
    }

    /** (node, component) of a graph's persons, each labelled with its smallest node as components are. */
    private static Dataset<Row> personComponents(Dataset<Row> graph) {
        return graph.select(col(IdGraph.PERSON_ID), IdentifierNodes.node().as(IdentifierNodes.NODE))
                .withColumn(
                        ConnectedComponents.COMPONENT,
                        functions.min(IdentifierNodes.NODE).over(Window.partitionBy(IdGraph.PERSON_ID)))
                .select(IdentifierNodes.NODE, ConnectedComponents.COMPONENT);
    }

    /**
     * Replaces identity's state with this run's, last: a run stopped before it leaves the state of the previous
     * run, and the next run adds the same partitions again (folding is idempotent).
     */
    private void writeState(JobContext context, Deterministic deterministic, Links links) {
        if (links.profiles() != null) {
            context.step(name(), "write id_device_days and id_record_values");
            links.profiles().write(context.lake(), deterministic.seen().select(IdentifierNodes.NODE));
            links.profiles().release();
        }
        context.step(name(), "write id_identifiers and id_cooccurrence");
        Dataset<Row> linked = links.linked();
        Column through = lit(Date.valueOf(context.date()));
        Dataset<Row> identifiers = deterministic
                .seen()
                .join(
                        linked.withColumnRenamed(ConnectedComponents.COMPONENT, IdentifierState.LINKED),
                        new String[] {IdentifierNodes.NODE},
                        "left")
                .withColumn(IdentifierState.THROUGH, through)
                .select(stateColumns(IdentifierState.SPEC));
        Dataset<Row> pairs =
                deterministic.pairs().withColumn(SeenTogether.THROUGH, through).select(stateColumns(SeenTogether.SPEC));
        if (links.compared() != null) {
            context.lake().replace(ComparedPairs.SPEC, links.compared());
        }
        context.lake().replace(IdentifierState.SPEC, identifiers);
        context.lake().replace(SeenTogether.SPEC, pairs);
    }

    private static Column[] stateColumns(TableSpec spec) {
        return Arrays.stream(spec.schema().fieldNames()).map(functions::col).toArray(Column[]::new);
    }

    /** Versions the run began (added, moved) and ended (expired, removed), by kind; four rows at most. */
    private static Map<String, Long> changeCounts(Dataset<Row> versions, Date dt) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String kind : List.of(IdGraph.ADDED, IdGraph.MOVED, IdGraph.EXPIRED, IdGraph.REMOVED)) {
            out.put(kind, 0L);
        }
        Column kind = when(
                        col(IdGraph.VALID_TO)
                                .equalTo(lit(dt))
                                .and(col(IdGraph.ENDED).notEqual(IdGraph.MOVED)),
                        col(IdGraph.ENDED))
                .when(col(IdGraph.VALID_FROM).equalTo(lit(dt)), col(IdGraph.CHANGE));
        for (Row r : versions.select(kind.as("kind"))
                .where(col("kind").isNotNull())
                .groupBy("kind")
                .count()
                .collectAsList()) {
            out.put(r.getString(0), r.getLong(1));
        }
        return out;
    }

    /**
     * A versioned table's rows before this run, or none. A run for a date before the table's latest run is
     * refused (identity moves forward); a table that still holds a copy per date (before it kept versions)
     * becomes versions of its latest copy before the date.
     */
    private static Versioned versions(JobContext context, TableSpec spec, Versions versions, String dateColumn) {
        LakeTables lake = context.lake();
        if (!lake.exists(spec)) {
            return new Versioned(context.spark().createDataFrame(List.of(), spec.schema()), null);
        }
        Dataset<Row> table = lake.read(spec);
        if (!Arrays.asList(table.columns()).contains(Versions.VALID_FROM)) {
            LOG.warn(
                    "{} holds a copy per date: its latest before {} becomes the first versions",
                    spec.name(),
                    context.date());
            return new Versioned(versions.fromSnapshots(table, dateColumn, context.date()), null);
        }
        LocalDate latest = Versions.latestRun(table);
        if (latest != null && latest.isAfter(context.date())) {
            throw new IllegalStateException(spec.name() + " already holds the run of " + latest + ", after "
                    + context.date() + ": identity runs forward in time; run it for " + latest + " or later");
        }
        return new Versioned(table, latest);
    }

    /** Persons, the largest, the oversized and persons per size band, as metrics; returns the person count. */
    static long summarize(Dataset<Row> graph, IdentityRules rules, List<Metric> metrics) {
        Row summary = graph.groupBy(IdGraph.PERSON_ID)
                .agg(max(IdGraph.PERSON_SIZE).as("n"))
                .agg(
                        count(lit(1)),
                        max("n"),
                        sum(when(col("n").gt(rules.maxClusterSize()), 1).otherwise(0)))
                .first();
        long persons = summary.getLong(0);
        metrics.add(new Metric(MetricName.PERSONS, "", persons));
        metrics.add(new Metric(MetricName.LARGEST_PERSON, "", summary.isNullAt(1) ? 0 : summary.getLong(1)));
        metrics.add(new Metric(MetricName.OVERSIZED_PERSONS, "", summary.isNullAt(2) ? 0 : summary.getLong(2)));
        // Eight size bands: small enough to list on the driver.
        for (Row r : sizeDistribution(graph).collectAsList()) {
            metrics.add(new Metric(MetricName.PERSON_SIZE, r.getString(0), r.getLong(1)));
        }
        return persons;
    }

    /**
     * The graphs link methods alone make: the deterministic links (their components, as the run found them), and
     * with the cookie continuity links added when there are any.
     */
    private static Map<String, Dataset<Row>> methodGraphs(
            IdentityRules rules, Deterministic deterministic, Links links) {
        Map<String, Dataset<Row>> out = new LinkedHashMap<>();
        out.put("deterministic", asGraph(deterministic, links.linked()));
        if (links.continuity() != null) {
            out.put("deterministic+continuity", linkedWith(rules, deterministic, links, null));
        }
        return out;
    }

    /**
     * The ceilings of {@code --evaluate}: the deterministic and continuity links plus every true pair a model
     * compared (what a perfect classifier behind the shipped blocking would reach), and plus every true pair of
     * devices seen on one address in id_device_days (behind any blocking on addresses). Their recall is the most
     * a match model can add with the evidence the feeds carry.
     */
    private static Map<String, Dataset<Row>> ceilings(
            JobContext context, IdentityRules rules, Deterministic deterministic, Links links, Dataset<Row> truth) {
        Map<String, Dataset<Row>> out = new LinkedHashMap<>();
        if (links.compared() != null) {
            out.put(
                    "ceiling/compared",
                    linkedWith(rules, deterministic, links, ReachableLinks.comparedTruePairs(links.compared(), truth)));
        }
        if (rules.models().stream().anyMatch(m -> m.source() == IdentityRules.Source.DEVICES)) {
            // Read back: the run has just written the window's partials, the ones its device models used.
            Dataset<Row> days = context.lake().read(DeviceDays.SPEC);
            out.put(
                    "ceiling/shared_address",
                    linkedWith(rules, deterministic, links, ReachableLinks.sharedAddressTruePairs(days, truth)));
        }
        return out;
    }

    /** The graph of the deterministic and continuity links and {@code more} (src, dst) links (null: none). */
    private static Dataset<Row> linkedWith(
            IdentityRules rules, Deterministic deterministic, Links links, Dataset<Row> more) {
        Dataset<Row> edges = deterministic.edges().select(DeterministicLinks.SRC, DeterministicLinks.DST);
        if (links.continuity() != null) {
            edges = edges.unionByName(links.continuity().select(DeterministicLinks.SRC, DeterministicLinks.DST));
        }
        if (more != null) {
            edges = edges.unionByName(more);
        }
        return asGraph(
                deterministic,
                ConnectedComponents.of(deterministic.nodes(), edges, rules.maxIterations())
                        .components());
    }

    /** Each identifier in its component. */
    private static Dataset<Row> asGraph(Deterministic deterministic, Dataset<Row> components) {
        return deterministic
                .identifiers()
                .join(components, IdentifierNodes.NODE)
                .select(
                        col(IdentifierNodes.ID_TYPE),
                        col(IdentifierNodes.ID_VALUE),
                        col(ConnectedComponents.COMPONENT).cast("string").as(IdGraph.PERSON_ID));
    }

    /** Pairwise precision, recall and F1 and the share of exactly found persons against ground truth. */
    private void evaluate(
            JobContext context,
            Dataset<Row> graph,
            IdentityRules rules,
            Deterministic deterministic,
            Links links,
            List<Metric> metrics) {
        context.step(name(), "evaluate against " + evaluate);
        Dataset<Row> truth = GroundTruthIdentifiers.read(context.spark(), evaluate);
        Map<String, Dataset<Row>> methods = methodGraphs(rules, deterministic, links);
        methods.putAll(ceilings(context, rules, deterministic, links, truth));
        Dataset<Row> compared = links.compared();
        MatchEvaluation.Report report = MatchEvaluation.report(graph, methods, truth);
        MatchEvaluation.Scores s = report.all();
        metrics.add(new Metric(MetricName.EVALUATED_IDENTIFIERS, "", s.identifiers()));
        metrics.add(new Metric(MetricName.EXACT_PERSON_SHARE, "", s.exactPersonShare()));
        metrics.add(new Metric(MetricName.TRUE_PAIRS, "", s.truePairs()));
        metrics.add(new Metric(MetricName.PREDICTED_PAIRS, "", s.predictedPairs()));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "identity %s: precision %s, recall %s, F1 %s over %d identifiers (%d true pairs); "
                        + "%s of true persons exactly found%n",
                context.date(),
                f(s.precision()),
                f(s.recall()),
                f(s.f1()),
                s.identifiers(),
                s.truePairs(),
                f(s.exactPersonShare()));
        Map<String, MatchEvaluation.Scores> parts = new LinkedHashMap<>();
        parts.put("pairwise", s);
        report.byMethod().forEach((method, m) -> parts.put("pairwise/" + method, m));
        report.byDeviceKind().forEach((kind, k) -> parts.put("pairwise/device/" + kind, k));
        parts.forEach((dimension, p) -> {
            metrics.add(new Metric(MetricName.PRECISION, dimension, p.precision()));
            metrics.add(new Metric(MetricName.RECALL, dimension, p.recall()));
            metrics.add(new Metric(MetricName.F1, dimension, p.f1()));
            String line = String.format(
                    Locale.ROOT,
                    "%-36s precision %s recall %s F1 %s (%d identifiers, %d true pairs)",
                    dimension,
                    f(p.precision()),
                    f(p.recall()),
                    f(p.f1()),
                    p.identifiers(),
                    p.truePairs());
            LOG.info("against ground truth: {}", line);
            out.println("  " + line);
        });
        mixing(report.mixing(), metrics, out);
        if (compared != null) {
            blockingRecall(MatchEvaluation.trueCandidates(compared, truth), s.truePairs(), metrics, out);
        }
        out.flush();
    }

    /** Per model and blocking rule, the share of true pairs made candidates: the most a model can find. */
    private static void blockingRecall(Map<String, Long> found, long truePairs, List<Metric> metrics, PrintWriter out) {
        found.forEach((dimension, n) -> {
            double recall = truePairs == 0 ? 1.0 : (double) n / truePairs;
            metrics.add(new Metric(MetricName.BLOCKING_RECALL, dimension, recall));
            String line = String.format(
                    Locale.ROOT,
                    "blocking %-27s recall %s (%d of %d true pairs are candidates)",
                    dimension,
                    f(recall),
                    n,
                    truePairs);
            LOG.info("against ground truth: {}", line);
            out.println("  " + line);
        });
    }

    /** How many persons mix true persons of one household, or of two (when the truth has households). */
    private static void mixing(MatchEvaluation.Mixing mixing, List<Metric> metrics, PrintWriter out) {
        if (mixing != null) {
            metrics.add(
                    new Metric(MetricName.MIXED_PERSON_SHARE, "household_member", mixing.withHouseholdMemberShare()));
            metrics.add(new Metric(MetricName.MIXED_PERSON_SHARE, "across_households", mixing.acrossHouseholdsShare()));
            String line = String.format(
                    Locale.ROOT,
                    "%s of %d persons hold identifiers of two true persons of one household, %s of two households",
                    f(mixing.withHouseholdMemberShare()),
                    mixing.persons(),
                    f(mixing.acrossHouseholdsShare()));
            LOG.info("against ground truth: {}", line);
            out.println("  " + line);
        }
    }

    private void writeMetrics(JobContext context, List<Metric> metrics) {
        context.step(name(), "write id_match_metrics");
        Date dt = Date.valueOf(context.date());
        List<Row> rows = metrics.stream()
                .map(m -> RowFactory.create(m.metric(), m.dimension(), m.value(), dt))
                .toList();
        context.lake()
                .overwritePartition(
                        IdMatchMetrics.SPEC,
                        context.spark().createDataFrame(rows, IdMatchMetrics.SPEC.schema()),
                        Map.of(IdGraph.DT, dt));
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** Deterministic components with the smallest node of the conflict type each holds (the anchor), or null. */
    static Dataset<Row> anchored(Dataset<Row> components, Dataset<Row> identifiers, IdentityRules rules) {
        Dataset<Row> anchors = components
                .join(
                        identifiers
                                .where(col(IdentifierNodes.ID_TYPE).equalTo(rules.conflictType()))
                                .select(IdentifierNodes.NODE),
                        IdentifierNodes.NODE)
                .groupBy(ConnectedComponents.COMPONENT)
                .agg(org.apache.spark.sql.functions.min(IdentifierNodes.NODE).as(ProbabilisticMatching.ANCHOR));
        return components
                .join(anchors, new String[] {ConnectedComponents.COMPONENT}, "left")
                .localCheckpoint();
    }

    /** Persons per size band: 1, 2, 3-5, 6-10, 11-20, 21-50, 51-100, over 100 identifiers. */
    private static Dataset<Row> sizeDistribution(Dataset<Row> graph) {
        Column n = col(IdGraph.PERSON_SIZE);
        Column band = when(n.leq(1), "1")
                .when(n.leq(2), "2")
                .when(n.leq(5), "3-5")
                .when(n.leq(10), "6-10")
                .when(n.leq(20), "11-20")
                .when(n.leq(50), "21-50")
                .when(n.leq(100), "51-100")
                .otherwise("over 100");
        return graph.select(IdGraph.PERSON_ID, IdGraph.PERSON_SIZE)
                .distinct()
                .groupBy(band.as("band"))
                .agg(count(lit(1)).as("persons"));
    }

    @Override
    public Integer call() throws Exception {
        return JobRunner.exitCode(this, options, spec);
    }
}
