package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.to_date;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.identity.GraphVersions;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.profiles.EventColumns;
import io.audiencelake.common.profiles.LateFiles;
import io.audiencelake.common.profiles.Measure;
import io.audiencelake.common.profiles.ProfileActivity;
import io.audiencelake.common.profiles.ProfileLifetime;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.ProfileRulesLoader;
import io.audiencelake.common.profiles.ProfileTraits;
import io.audiencelake.common.profiles.Profiles;
import io.audiencelake.common.profiles.RfmScores;
import io.audiencelake.common.profiles.Sessionisation;
import io.audiencelake.common.profiles.Sessions;
import io.audiencelake.common.profiles.TraitSource;
import io.audiencelake.common.runs.JobRuns;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Builds sessions and one profile per person for a date. A daily run reads only what landed since the
 * previous run: it adds that data's partial aggregates to {@code profile_activity}, folds them into the
 * lifetime state, rebuilds the sessions of the days the new events touch (late events included), and
 * rolls identifier-level state up to persons as {@code id_graph} of the date says.
 */
@Command(
        name = "profiles",
        mixinStandardHelpOptions = true,
        description = "Sessionise events and compute each person's traits (sessions, profiles), folding the "
                + "date's new data into running state.")
public final class ProfilesJob implements Job<ProfilesJob.Definitions>, Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ProfilesJob.class);

    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--rebuild",
            description = "Recompute the running state from all history up to the date instead of folding in the "
                    + "new data (needed once after trait definitions change; gives the same profiles).")
    boolean rebuild;

    /** The traits to compute, the events' columns they may read, and the file the traits came from. */
    record Definitions(ProfileRules rules, EventColumns columns, Path traitsFile) {}

    @Override
    public String name() {
        return "profiles";
    }

    @Override
    public Definitions load(AppConfig config) {
        var contracts = FeedContracts.load(config.feedContracts()).values();
        return new Definitions(
                ProfileRulesLoader.load(config.traits(), contracts), EventColumns.of(contracts), config.traits());
    }

    /** The state tables' shapes for the traits: the measures kept per identifier and day, and for lifetime. */
    private record Plan(
            List<Measure> measures, List<Measure> lifetimeMeasures, TableSpec activitySpec, TableSpec lifetimeSpec) {
        static Plan of(ProfileRules rules) {
            List<Measure> measures = ProfileTraits.measures(rules.traits());
            List<Measure> lifetime = ProfileTraits.lifetimeMeasures(rules.traits());
            return new Plan(measures, lifetime, ProfileActivity.spec(measures), ProfileLifetime.spec(lifetime));
        }
    }

    /**
     * What this run folds: the data landed after {@code previous} (null: everything, the state is rebuilt) and
     * the files that landed late on earlier dates.
     */
    private record Fold(LocalDate previous, List<LateFiles> late, LocalDate date) {
        boolean full() {
            return previous == null;
        }

        /** The landing partitions this run reads. */
        Column landed() {
            Column upTo = col(RawTables.DT).leq(lit(Date.valueOf(date)));
            return full() ? upTo : upTo.and(col(RawTables.DT).gt(lit(Date.valueOf(previous))));
        }

        /** The rows of a raw table this run folds: its landed partitions and the late files' rows. */
        Dataset<Row> rows(LakeTables lake, TableSpec raw) {
            if (!lake.exists(raw)) {
                return SparkSession.active().createDataFrame(List.of(), raw.schema());
            }
            Dataset<Row> rows = lake.read(raw).where(landed());
            return late.isEmpty() ? rows : rows.unionByName(LateFiles.rows(lake.read(raw), late, date));
        }
    }

    /** The running state as it will be written: the new partials, activity with them, the folded lifetime. */
    private record State(Dataset<Row> partials, Dataset<Row> activity, Dataset<Row> lifetime) {
        static final State NONE = new State(null, null, null);
    }

    /** The sessions of the event days the new events touch. */
    private record DaySessions(List<Date> days, Dataset<Row> sessions) {}

    @Override
    public JobResult run(JobContext context, Definitions definitions) {
        ProfileRules rules = definitions.rules();
        Plan plan = Plan.of(rules);
        Map<String, Long> counts = new LinkedHashMap<>();
        Dataset<Row> graph = readGraph(context);
        long identifiers = graph.count();
        Fold fold = fold(context, plan, definitions.traitsFile());
        counts.put("files.late", (long) fold.late().size());
        Dataset<Row> usable = readEvents(context, rules, fold, counts);
        State state = plan.measures().isEmpty() ? State.NONE : state(context, definitions, plan, fold, usable);
        DaySessions sessions = sessions(context, definitions, graph, usable);
        counts.put("sessions.days", (long) sessions.days().size());
        counts.put(
                "sessions",
                sessions.sessions() == null ? 0L : sessions.sessions().count());
        Dataset<Row> profiles = profiles(context, rules, graph, state, sessions);
        long persons = profiles.count();
        write(context, rules, plan, fold, state, sessions, profiles);
        LOG.info("{} profiles ({} identifiers) for {}", persons, identifiers, context.date());
        context.spark().catalog().clearCache();
        counts.put("identifiers", identifiers);
        counts.put("persons", persons);
        counts.put("rebuilt", fold.full() ? 1L : 0L);
        return new JobResult(counts.get("events.read"), persons, 0, counts);
    }

    /** The id_graph as of the date (identifier to person), which must exist. */
    private Dataset<Row> readGraph(JobContext context) {
        context.step(name(), "read id_graph");
        LocalDate date = context.date();
        if (!context.lake().exists(IdGraph.SPEC)) {
            throw new IllegalStateException("no id_graph table: run identity --date " + date + " first");
        }
        Dataset<Row> graph = GraphVersions.asOf(context.lake().read(IdGraph.SPEC), date)
                .select(IdGraph.ID_TYPE, IdGraph.ID_VALUE, IdGraph.PERSON_ID, IdGraph.FIRST_SEEN, IdGraph.LAST_SEEN)
                .localCheckpoint();
        if (graph.isEmpty()) {
            throw new IllegalStateException(
                    "id_graph has no identifiers as of " + date + ": run identity --date " + date + " first");
        }
        return graph;
    }

    /** Which data this run folds into which state; a replaced file that landed late forces a rebuild. */
    private Fold fold(JobContext context, Plan plan, Path traitsFile) {
        LakeTables lake = context.lake();
        LocalDate date = context.date();
        LocalDate previous =
                rebuild ? null : previousState(lake, plan.activitySpec(), plan.lifetimeSpec(), date, traitsFile);
        List<LateFiles> late = previous == null ? List.of() : lateFiles(lake, previous);
        Optional<LateFiles> replaced = late.stream().filter(LateFiles::replaced).findFirst();
        if (replaced.isPresent()) {
            LOG.warn(
                    "{} replaced file(s) were ingested again since profiles folded {}, e.g. {}: rebuilding the running "
                            + "state, which holds their old rows",
                    late.stream().filter(LateFiles::replaced).count(),
                    previous,
                    replaced.get().path());
            return new Fold(null, List.of(), date);
        }
        if (previous != null) {
            LOG.info("folding data landed after {} into the running state", previous);
        } else {
            LOG.info("rebuilding the running state from all data landed up to {}", date);
        }
        if (!late.isEmpty()) {
            LOG.info(
                    "{} file(s) landed late on dates up to {}: folding their rows in with this date's",
                    late.size(),
                    previous);
        }
        return new Fold(previous, late, date);
    }

    /** The events this run folds that count (with a device, robots left out unless configured), counted. */
    private Dataset<Row> readEvents(JobContext context, ProfileRules rules, Fold fold, Map<String, Long> counts) {
        context.step(name(), "read new events");
        Dataset<Row> events = fold.rows(context.lake(), RawEvents.SPEC);
        Row seen = events.agg(
                        count(lit(1)),
                        count_if(col(RawEvents.IS_ROBOT).eqNullSafe(lit(true))),
                        count_if(col(RawEvents.DEVICE_ID).isNull()))
                .first();
        long robots = rules.sessions().includeRobots() ? 0 : seen.getLong(1);
        LOG.info(
                "{} events landed{}: {} from robots and {} without a device left out",
                seen.getLong(0),
                fold.full() ? " up to " + context.date() : " since " + fold.previous(),
                robots,
                seen.getLong(2));
        counts.put("events.read", seen.getLong(0));
        counts.put("events.robots", robots);
        counts.put("events.without_device", seen.getLong(2));
        return usable(rules, events);
    }

    /**
     * The running state as it will be written. Nothing is written until the profiles pass their quality checks:
     * the state tables as they will be are the tables' untouched partitions plus the new rows.
     */
    private State state(JobContext context, Definitions definitions, Plan plan, Fold fold, Dataset<Row> usable) {
        LakeTables lake = context.lake();
        context.step(name(), "activity partials");
        Dataset<Row> partials = ProfileActivity.of(
                        usable,
                        fold.rows(lake, RawAttributes.SPEC),
                        plan.measures(),
                        definitions.columns(),
                        definitions.rules().sketchPrecision())
                .localCheckpoint();
        Dataset<Row> activity = fold.full() || !lake.exists(plan.activitySpec())
                ? partials
                : lake.read(plan.activitySpec())
                        .where(not(col(ProfileActivity.DT)
                                .isin(datesAfter(fold.previous(), context.date())
                                        .toArray())))
                        .unionByName(partials);

        context.step(name(), "lifetime state");
        Dataset<Row> fresh = partials.where(ProfileLifetime.due(fold.previous(), context.date()));
        Dataset<Row> before = fold.full()
                ? null
                : lake.read(plan.lifetimeSpec())
                        .where(col(ProfileLifetime.DT).equalTo(lit(Date.valueOf(fold.previous()))));
        Dataset<Row> lifetime = ProfileLifetime.fold(before, fresh, plan.lifetimeMeasures(), context.date())
                .localCheckpoint();
        return new State(partials, activity, lifetime);
    }

    /**
     * The sessions of every event day the new events touch, rebuilt whole from that day's events wherever they
     * landed (sessions end at midnight, so a day needs only its own events), with the person of each device.
     */
    private DaySessions sessions(JobContext context, Definitions definitions, Dataset<Row> graph, Dataset<Row> usable) {
        context.step(name(), "sessions");
        Date dt = Date.valueOf(context.date());
        // One row per event day: small enough to list on the driver.
        List<Date> days = usable
                .select(to_date(col(RawEvents.EVENT_TIME)).as("day"))
                .where(col("day").leq(lit(dt)))
                .distinct()
                .orderBy("day")
                .collectAsList()
                .stream()
                .map(r -> r.getDate(0))
                .toList();
        if (days.isEmpty()) {
            return new DaySessions(days, null);
        }
        Dataset<Row> dayEvents = usable(
                definitions.rules(),
                context.lake()
                        .read(RawEvents.SPEC)
                        .where(col(RawTables.DT)
                                .leq(lit(dt))
                                .and(col(RawTables.DT)
                                        .geq(lit(Date.valueOf(
                                                days.get(0).toLocalDate().minusDays(1)))))
                                .and(to_date(col(RawEvents.EVENT_TIME)).isin(days.toArray()))));
        Dataset<Row> sessions = Sessionisation.sessions(
                        dayEvents, definitions.rules().sessions(), definitions.columns())
                .join(
                        graph.select(
                                col(IdGraph.ID_TYPE).as(Sessions.DEVICE_ID_TYPE),
                                col(IdGraph.ID_VALUE).as(Sessions.DEVICE_ID),
                                col(IdGraph.PERSON_ID)),
                        new String[] {Sessions.DEVICE_ID_TYPE, Sessions.DEVICE_ID},
                        "left");
        sessions = LakeTables.withSpecSchema(Sessions.SPEC, sessions).localCheckpoint();
        LOG.info("sessions on {} day(s) from {} to {}", days.size(), days.get(0), days.get(days.size() - 1));
        return new DaySessions(days, sessions);
    }

    /** One row per person of the graph with every trait (and RFM scores when configured). */
    private Dataset<Row> profiles(
            JobContext context, ProfileRules rules, Dataset<Row> graph, State state, DaySessions sessions) {
        context.step(name(), "traits per person");
        LocalDate date = context.date();
        Dataset<Row> lifetime = state.lifetime() != null
                ? state.lifetime()
                : context.spark()
                        .createDataFrame(
                                List.of(), ProfileLifetime.spec(List.of()).schema());
        Dataset<Row> profiles = ProfileTraits.of(
                        graph,
                        lifetime,
                        windowed(rules, state.activity(), date),
                        sessionTraits(context.lake(), rules, graph, sessions, date),
                        rules,
                        date)
                .localCheckpoint();
        if (rules.rfm() == null) {
            return profiles;
        }
        double[][] cuts = RfmScores.cuts(profiles, rules.rfm());
        LOG.info(
                "RFM quintile cuts: recency {} frequency {} monetary {}",
                Arrays.toString(cuts[0]),
                Arrays.toString(cuts[1]),
                Arrays.toString(cuts[2]));
        return RfmScores.scored(profiles, rules.rfm(), cuts);
    }

    /** Windowed measures per identifier from the activity of the widest window's days, or null when none. */
    private static Dataset<Row> windowed(ProfileRules rules, Dataset<Row> activity, LocalDate date) {
        int widest = rules.maxWindowDays(TraitSource.EVENTS);
        if (widest == 0 || activity == null) {
            return null;
        }
        return ProfileTraits.windowed(
                activity.where(col(ProfileActivity.DT)
                        .leq(lit(Date.valueOf(date)))
                        .and(col(ProfileActivity.DT).geq(lit(Date.valueOf(date.minusDays(widest + 1)))))
                        .and(col(ProfileActivity.EVENT_DAY).gt(lit(Date.valueOf(date.minusDays(widest)))))),
                rules.traits(),
                date);
    }

    /** Session traits per person over the sessions table as it will be (the rebuilt days replaced), or null. */
    private static Dataset<Row> sessionTraits(
            LakeTables lake, ProfileRules rules, Dataset<Row> graph, DaySessions rebuilt, LocalDate date) {
        int window = rules.maxWindowDays(TraitSource.SESSIONS);
        Dataset<Row> all = !lake.exists(Sessions.SPEC)
                ? rebuilt.sessions()
                : rebuilt.sessions() == null
                        ? lake.read(Sessions.SPEC)
                        : lake.read(Sessions.SPEC)
                                .where(not(col(Sessions.DT).isin(rebuilt.days().toArray())))
                                .unionByName(rebuilt.sessions());
        if (window == 0 || all == null) {
            return null;
        }
        return ProfileTraits.SessionTraits.of(
                all.where(col(Sessions.DT)
                        .leq(lit(Date.valueOf(date)))
                        .and(col(Sessions.DT).gt(lit(Date.valueOf(date.minusDays(window)))))),
                graph,
                rules.traits(),
                date);
    }

    /**
     * Checks the profiles, then writes the state tables, the sessions and the profiles, in that order (a kill in
     * between leaves state a rerun of the date folds from again).
     */
    private void write(
            JobContext context,
            ProfileRules rules,
            Plan plan,
            Fold fold,
            State state,
            DaySessions sessions,
            Dataset<Row> profiles) {
        context.step(name(), "write profiles");
        LakeTables lake = context.lake();
        Date dt = Date.valueOf(context.date());
        TableSpec profilesSpec = Profiles.spec(rules);
        lake.addMissingColumns(profilesSpec);
        Dataset<Row> rows = lake.checkBeforeWriting(
                profilesSpec,
                conform(
                        LakeTables.withSpecSchema(profilesSpec, profiles),
                        lake.read(profilesSpec).schema()),
                Map.of(ProfileTraits.DT, dt));
        if (state.partials() != null && fold.full()) {
            lake.replace(plan.activitySpec(), state.partials());
            lake.replace(plan.lifetimeSpec(), state.lifetime());
        } else if (state.partials() != null) {
            lake.overwritePartition(
                    plan.activitySpec(),
                    state.partials(),
                    Map.of(ProfileActivity.DT, datesAfter(fold.previous(), context.date())));
            lake.overwritePartition(plan.lifetimeSpec(), state.lifetime(), Map.of(ProfileLifetime.DT, dt));
            expireSnapshots(lake, plan.lifetimeSpec(), context.date(), rules);
        }
        if (sessions.sessions() != null) {
            lake.overwritePartition(Sessions.SPEC, sessions.sessions(), Map.of(Sessions.DT, sessions.days()));
        }
        lake.overwritePartition(profilesSpec, rows, Map.of(ProfileTraits.DT, dt));
    }

    /**
     * Files landed on {@code previous} or earlier and ingested after the run that folded {@code previous}
     * started. Without a recorded run of that date (state built before runs were recorded) there is no
     * boundary, and none are taken.
     */
    private List<LateFiles> lateFiles(LakeTables lake, LocalDate previous) {
        Optional<Instant> folded = JobRuns.lastSucceededStart(lake, name(), previous);
        if (folded.isEmpty()) {
            LOG.info(
                    "no recorded profiles run of {}: files that landed late on earlier dates are not looked for",
                    previous);
            return List.of();
        }
        return LateFiles.since(lake, previous, folded.get());
    }

    /** Events that count: with a device, and not from a crawler unless configured. */
    static Dataset<Row> usable(ProfileRules rules, Dataset<Row> events) {
        Dataset<Row> out = events.where(col(RawEvents.DEVICE_ID).isNotNull());
        return rules.sessions().includeRobots()
                ? out
                : out.where(not(col(RawEvents.IS_ROBOT).eqNullSafe(lit(true))));
    }

    /**
     * The date of the lifetime snapshot to fold into, or null when the state must be built from scratch.
     * State built for other trait definitions is refused: folding into it would mix definitions.
     */
    private LocalDate previousState(
            LakeTables lake, TableSpec activitySpec, TableSpec lifetimeSpec, LocalDate date, Path traitsFile) {
        if (!lake.exists(activitySpec) || !lake.exists(lifetimeSpec)) {
            LOG.info("no running state yet");
            return null;
        }
        for (TableSpec table : List.of(activitySpec, lifetimeSpec)) {
            List<String> have = Arrays.asList(lake.read(table).schema().fieldNames());
            List<String> want = Arrays.asList(table.schema().fieldNames());
            if (!have.equals(want)) {
                throw new ConfigException(traitsFile + ": the trait definitions changed since the running state in "
                        + table.name() + " was built (its columns: " + have + "; now needed: " + want
                        + "): run `audiencelake profiles --date " + date + " --rebuild` once");
            }
        }
        Row latest = lake.read(lifetimeSpec)
                .where(col(ProfileLifetime.DT).lt(lit(Date.valueOf(date))))
                .agg(max(ProfileLifetime.DT))
                .first();
        if (latest.isNullAt(0)) {
            Row later = lake.read(lifetimeSpec)
                    .where(col(ProfileLifetime.DT).gt(lit(Date.valueOf(date))))
                    .agg(org.apache.spark.sql.functions.min(ProfileLifetime.DT))
                    .first();
            if (!later.isNullAt(0)) {
                // Building from scratch replaces the state, which later dates' runs have folded into.
                throw new ConfigException(
                        "profiles: the running state starts after " + date + " (first snapshot "
                                + later.getDate(0) + "; older ones expire after state_retention_days): running " + date
                                + " would rebuild and replace it. Run it with --rebuild on purpose, then rerun the later dates");
            }
            LOG.info("no running state before {}", date);
            return null;
        }
        return latest.getDate(0).toLocalDate();
    }

    /** Deletes lifetime snapshots older than state_retention_days before the run date (never later ones). */
    private static void expireSnapshots(LakeTables lake, TableSpec lifetimeSpec, LocalDate date, ProfileRules rules) {
        Date oldest = Date.valueOf(date.minusDays(rules.stateRetentionDays() - 1L));
        // One row per run date: small enough to list on the driver.
        List<Date> expired = lake
                .read(lifetimeSpec)
                .where(col(ProfileLifetime.DT).lt(lit(oldest)))
                .select(ProfileLifetime.DT)
                .distinct()
                .collectAsList()
                .stream()
                .map(r -> r.getDate(0))
                .toList();
        if (!expired.isEmpty()) {
            lake.overwritePartition(
                    lifetimeSpec,
                    SparkSession.active().createDataFrame(List.of(), lifetimeSpec.schema()),
                    Map.of(ProfileLifetime.DT, expired));
            LOG.info("expired {} lifetime state snapshot(s) before {}", expired.size(), oldest);
        }
    }

    /** Every date after {@code from} up to {@code to}: the landing partitions a fold rewrites. */
    private static List<Date> datesAfter(LocalDate from, LocalDate to) {
        List<Date> out = new ArrayList<>();
        for (LocalDate d = from.plusDays(1); !d.isAfter(to); d = d.plusDays(1)) {
            out.add(Date.valueOf(d));
        }
        return out;
    }

    /** The rows with the table's columns (a trait dropped from traits.yaml stays as a null column). */
    static Dataset<Row> conform(Dataset<Row> rows, StructType table) {
        List<String> have = Arrays.asList(rows.columns());
        List<Column> out = new ArrayList<>();
        for (var f : table.fields()) {
            out.add(
                    have.contains(f.name())
                            ? col(f.name())
                            : lit(null).cast(f.dataType()).as(f.name()));
        }
        return rows.select(out.toArray(Column[]::new));
    }

    @Override
    public Integer call() throws Exception {
        return JobRunner.exitCode(this, options, spec);
    }
}
