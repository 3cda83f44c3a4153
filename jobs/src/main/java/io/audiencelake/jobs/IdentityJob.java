package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawIdentifiers;
import io.audiencelake.common.identity.ConnectedComponents;
import io.audiencelake.common.identity.DeterministicLinks;
import io.audiencelake.common.identity.DeviceProfiles;
import io.audiencelake.common.identity.GraphVersions;
import io.audiencelake.common.identity.GroundTruthIdentifiers;
import io.audiencelake.common.identity.IdEdges;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.identity.IdMatchMetrics;
import io.audiencelake.common.identity.IdMatchMetrics.Metric;
import io.audiencelake.common.identity.IdMatchMetrics.MetricName;
import io.audiencelake.common.identity.IdentifierNodes;
import io.audiencelake.common.identity.IdentityRules;
import io.audiencelake.common.identity.IdentityRules.MatchModel;
import io.audiencelake.common.identity.IdentityRulesLoader;
import io.audiencelake.common.identity.MatchEvaluation;
import io.audiencelake.common.identity.PersonIds;
import io.audiencelake.common.identity.ProbabilisticMatching;
import io.audiencelake.common.identity.RecordProfiles;
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
            description = "Score the graph against ground truth: CSV files (id_type,id_value,person_key) under PATH, "
                    + "e.g. local-data/ground-truth/identifiers. Results go to id_match_metrics and the log.")
    String evaluate;

    @Override
    public String name() {
        return "identity";
    }

    @Override
    public IdentityRules load(AppConfig config) {
        return IdentityRulesLoader.load(config.identityRules());
    }

    /** The date's identifiers (noise cut) and the deterministic links between them. */
    private record Deterministic(
            Dataset<Row> identifiers, Dataset<Row> edges, Dataset<Row> expired, long identifierCount, long edgeCount) {
        Dataset<Row> nodes() {
            return identifiers.select(IdentifierNodes.NODE);
        }
    }

    /**
     * The date's graph with its stable ids, id_graph's versions after it, and how many persons merged and split
     * since the previous run.
     */
    private record Graph(Dataset<Row> rows, Dataset<Row> versions, long merges, long splits) {}

    @Override
    public JobResult run(JobContext context, IdentityRules rules) {
        List<Metric> metrics = new ArrayList<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        Deterministic deterministic = deterministic(context, rules, metrics);
        Dataset<Row> edges = matched(context, rules, deterministic, metrics, counts);
        Graph graph = graph(context, rules, deterministic, edges, metrics);
        Map<String, Long> changes = write(context, rules, deterministic.identifiers(), edges, graph.versions());
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
            evaluate(context, graph.rows(), metrics);
        }
        writeMetrics(context, metrics);
        context.spark().catalog().clearCache();
        counts.put("identifiers", deterministic.identifierCount());
        counts.put("edges.deterministic", deterministic.edgeCount());
        counts.put("persons", persons);
        counts.put("persons.merged", graph.merges());
        counts.put("persons.split", graph.splits());
        return new JobResult(deterministic.identifierCount(), deterministic.identifierCount(), 0, counts);
    }

    /** Identifiers and deterministic links up to the date, identifiers with too many co-identifiers cut as noise. */
    private Deterministic deterministic(JobContext context, IdentityRules rules, List<Metric> metrics) {
        context.step(name(), "deterministic links");
        Dataset<Row> rawIds = context.lake().read(RawIdentifiers.SPEC);
        Dataset<Row> seen = DeterministicLinks.seen(rawIds, context.date()).localCheckpoint();
        // Identifiers not seen for their type's inactive_days leave before anything links them.
        Dataset<Row> expired = DeterministicLinks.expired(seen, context.date(), rules.expiry())
                .select(IdentifierNodes.NODE, IdentifierNodes.ID_TYPE, IdentifierNodes.ID_VALUE)
                .localCheckpoint();
        Dataset<Row> observations = DeterministicLinks.observations(rawIds, context.date(), rules)
                .join(expired.select(IdentifierNodes.NODE), new String[] {IdentifierNodes.NODE}, "left_anti")
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> noise = DeterministicLinks.noise(DeterministicLinks.degrees(observations, rules), rules)
                .localCheckpoint();
        // One row per identifier type: small enough to list on the driver.
        for (Row r : noise.groupBy(IdentifierNodes.ID_TYPE).agg(count(lit(1))).collectAsList()) {
            LOG.warn(
                    "cut {} {} identifiers seen with more identifiers than their cap (noise)",
                    r.getLong(1),
                    r.getString(0));
            metrics.add(new Metric(MetricName.NOISE_IDENTIFIERS, r.getString(0), r.getLong(1)));
        }
        Dataset<Row> identifiers = seen.drop(DeterministicLinks.LAST_DELIVERED)
                .join(
                        noise.select(IdentifierNodes.NODE).union(expired.select(IdentifierNodes.NODE)),
                        new String[] {IdentifierNodes.NODE},
                        "left_anti")
                .localCheckpoint();
        Dataset<Row> edges = DeterministicLinks.edges(observations, noise)
                .withColumn(IdEdges.KIND, lit(IdEdges.DETERMINISTIC))
                .withColumn(IdEdges.SCORE, lit(1.0))
                .withColumn(
                        IdEdges.EVIDENCE,
                        array().cast(IdEdges.SPEC
                                .schema()
                                .apply(IdEdges.EVIDENCE)
                                .dataType()))
                .localCheckpoint();
        Deterministic out = new Deterministic(identifiers, edges, expired, identifiers.count(), edges.count());
        LOG.info("{} identifiers, {} deterministic links", out.identifierCount(), out.edgeCount());
        metrics.add(new Metric(MetricName.IDENTIFIERS, "", out.identifierCount()));
        metrics.add(new Metric(MetricName.EDGES, IdEdges.DETERMINISTIC, out.edgeCount()));
        return out;
    }

    /** The deterministic links plus each model's accepted probabilistic links that are not already deterministic. */
    private Dataset<Row> matched(
            JobContext context,
            IdentityRules rules,
            Deterministic deterministic,
            List<Metric> metrics,
            Map<String, Long> counts) {
        Dataset<Row> edges = deterministic.edges();
        Dataset<Row> nodes = deterministic.nodes();
        Dataset<Row> linked = rules.models().isEmpty()
                ? null
                : anchored(
                        ConnectedComponents.of(nodes, deterministic.edges(), rules.maxIterations())
                                .components(),
                        deterministic.identifiers(),
                        rules);
        for (MatchModel model : rules.models()) {
            context.step(name(), "match " + model.id());
            Dataset<Row> profiles = (model.source() == IdentityRules.Source.DEVICES
                            ? DeviceProfiles.of(
                                    context.lake().read(RawEvents.SPEC), context.date(), model.lookbackDays())
                            : RecordProfiles.of(context.lake().read(RawAttributes.SPEC), context.date(), model))
                    .join(nodes, new String[] {IdentifierNodes.NODE}, "left_semi");
            ProbabilisticMatching.Result result = ProbabilisticMatching.run(profiles, model, rules, linked);
            metrics.addAll(result.metrics());
            Dataset<Row> accepted = result.edges()
                    .join(
                            deterministic.edges().select(DeterministicLinks.SRC, DeterministicLinks.DST),
                            new String[] {DeterministicLinks.SRC, DeterministicLinks.DST},
                            "left_anti")
                    .withColumn(IdEdges.KIND, lit(IdEdges.PROBABILISTIC))
                    .localCheckpoint();
            long n = accepted.count();
            LOG.info("model {}: {} new links at match probability >= {}", model.id(), n, rules.threshold());
            metrics.add(new Metric(MetricName.EDGES, IdEdges.PROBABILISTIC + "/" + model.id(), n));
            counts.put("edges." + model.id(), n);
            edges = edges.unionByName(accepted);
        }
        return edges;
    }

    /** Connected components of all links, with stable person ids carried over from the previous graph. */
    private Graph graph(
            JobContext context,
            IdentityRules rules,
            Deterministic deterministic,
            Dataset<Row> edges,
            List<Metric> metrics) {
        Dataset<Row> identifiers = deterministic.identifiers();
        Dataset<Row> versions = versions(context, IdGraph.SPEC, GraphVersions.VERSIONS, IdGraph.DT);
        context.step(name(), "connected components");
        ConnectedComponents.Result cc =
                ConnectedComponents.of(identifiers.select(IdentifierNodes.NODE), edges, rules.maxIterations());
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
            Dataset<Row> versions) {
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
                .next(
                        versions(context, IdEdges.SPEC, IdEdges.VERSIONS, IdEdges.DT),
                        edgeRows,
                        context.date(),
                        rules.expiry().historyDays(),
                        null)
                .localCheckpoint();
        Dataset<Row> checkedGraph =
                context.lake().checkBeforeWriting(IdGraph.SPEC, versions.localCheckpoint(), Map.of());
        Map<String, Long> changes = changeCounts(checkedGraph, Date.valueOf(context.date()));
        context.lake().replace(IdEdges.SPEC, edgeVersions);
        context.step(name(), "write id_graph");
        context.lake().replace(IdGraph.SPEC, checkedGraph);
        return changes;
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
    private static Dataset<Row> versions(JobContext context, TableSpec spec, Versions versions, String dateColumn) {
        LakeTables lake = context.lake();
        if (!lake.exists(spec)) {
            return context.spark().createDataFrame(List.of(), spec.schema());
        }
        Dataset<Row> table = lake.read(spec);
        if (!Arrays.asList(table.columns()).contains(Versions.VALID_FROM)) {
            LOG.warn(
                    "{} holds a copy per date: its latest before {} becomes the first versions",
                    spec.name(),
                    context.date());
            return versions.fromSnapshots(table, dateColumn, context.date());
        }
        LocalDate latest = Versions.latestRun(table);
        if (latest != null && latest.isAfter(context.date())) {
            throw new IllegalStateException(spec.name() + " already holds the run of " + latest + ", after "
                    + context.date() + ": identity runs forward in time; run it for " + latest + " or later");
        }
        return table;
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

    /** Pairwise precision, recall and F1 and the share of exactly found persons against ground truth. */
    private void evaluate(JobContext context, Dataset<Row> graph, List<Metric> metrics) {
        context.step(name(), "evaluate against " + evaluate);
        MatchEvaluation.Scores s = MatchEvaluation.score(graph, GroundTruthIdentifiers.read(context.spark(), evaluate));
        LOG.info(
                "against ground truth ({} identifiers): pairwise precision {} recall {} F1 {}; exact persons {}",
                s.identifiers(),
                f(s.precision()),
                f(s.recall()),
                f(s.f1()),
                f(s.exactPersonShare()));
        metrics.add(new Metric(MetricName.EVALUATED_IDENTIFIERS, "", s.identifiers()));
        metrics.add(new Metric(MetricName.PRECISION, "pairwise", s.precision()));
        metrics.add(new Metric(MetricName.RECALL, "pairwise", s.recall()));
        metrics.add(new Metric(MetricName.F1, "pairwise", s.f1()));
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
        out.flush();
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
