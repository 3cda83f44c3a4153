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

    @Override
    public JobResult run(JobContext context, Definitions definitions) {
        ProfileRules rules = definitions.rules();
        EventColumns columns = definitions.columns();
        LakeTables lake = context.lake();
        LocalDate date = context.date();
        Date dt = Date.valueOf(date);
        Map<String, Long> counts = new LinkedHashMap<>();
        List<Measure> measures = ProfileTraits.measures(rules.traits());
        List<Measure> lifetimeMeasures = ProfileTraits.lifetimeMeasures(rules.traits());
        TableSpec activitySpec = ProfileActivity.spec(measures);
        TableSpec lifetimeSpec = ProfileLifetime.spec(lifetimeMeasures);

        context.step(name(), "read id_graph");
        if (!lake.exists(IdGraph.SPEC)) {
            throw new IllegalStateException("no id_graph table: run identity --date " + date + " first");
        }
        Dataset<Row> graph = lake.read(IdGraph.SPEC)
                .where(col(IdGraph.DT).equalTo(lit(dt)))
                .select(IdGraph.ID_TYPE, IdGraph.ID_VALUE, IdGraph.PERSON_ID, IdGraph.FIRST_SEEN, IdGraph.LAST_SEEN)
                .localCheckpoint();
        long identifiers = graph.count();
        if (identifiers == 0) {
            throw new IllegalStateException(
                    "id_graph has no snapshot for " + date + ": run identity --date " + date + " first");
        }

        LocalDate previous =
                rebuild ? null : previousState(lake, activitySpec, lifetimeSpec, date, definitions.traitsFile());
        List<LateFiles> late = previous == null ? List.of() : lateFiles(lake, previous);
        if (late.stream().anyMatch(LateFiles::replaced)) {
            LOG.warn(
                    "{} replaced file(s) were ingested again since profiles folded {}, e.g. {}: rebuilding the running "
                            + "state, which holds their old rows",
                    late.stream().filter(LateFiles::replaced).count(),
                    previous,
                    late.stream()
                            .filter(LateFiles::replaced)
                            .findFirst()
                            .orElseThrow()
                            .path());
            previous = null;
            late = List.of();
        }
        boolean full = previous == null;
        Column landed = col(RawTables.DT).leq(lit(dt));
        if (!full) {
            landed = landed.and(col(RawTables.DT).gt(lit(Date.valueOf(previous))));
            LOG.info("folding data landed after {} into the running state", previous);
        } else {
            LOG.info("rebuilding the running state from all data landed up to {}", date);
        }

        context.step(name(), "read new events");
        Dataset<Row> events = lake.exists(RawEvents.SPEC)
                ? lake.read(RawEvents.SPEC).where(landed)
                : context.spark().createDataFrame(List.of(), RawEvents.SPEC.schema());
        if (!late.isEmpty() && lake.exists(RawEvents.SPEC)) {
            LOG.info(
                    "{} file(s) landed late on dates up to {}: folding their rows in with this date's",
                    late.size(),
                    previous);
            events = events.unionByName(LateFiles.rows(lake.read(RawEvents.SPEC), late, date));
        }
        counts.put("files.late", (long) late.size());
        Row seen = events.agg(
                        count(lit(1)),
                        count_if(col(RawEvents.IS_ROBOT).eqNullSafe(lit(true))),
                        count_if(col(RawEvents.DEVICE_ID).isNull()))
                .first();
        long eventsRead = seen.getLong(0);
        long robots = rules.sessions().includeRobots() ? 0 : seen.getLong(1);
        long noDevice = seen.getLong(2);
        Dataset<Row> usable = usable(rules, events);
        LOG.info(
                "{} events landed{}: {} from robots and {} without a device left out",
                eventsRead,
                full ? " up to " + date : " since " + previous,
                robots,
                noDevice);
        counts.put("events.read", eventsRead);
        counts.put("events.robots", robots);
        counts.put("events.without_device", noDevice);

        Dataset<Row> partials = null;
        Dataset<Row> activity = null;
        Dataset<Row> newLifetime = null;
        if (!measures.isEmpty()) {
            context.step(name(), "activity partials");
            Dataset<Row> attributes = lake.exists(RawAttributes.SPEC)
                    ? lake.read(RawAttributes.SPEC).where(landed)
                    : context.spark().createDataFrame(List.of(), RawAttributes.SPEC.schema());
            if (!late.isEmpty() && lake.exists(RawAttributes.SPEC)) {
                attributes = attributes.unionByName(LateFiles.rows(lake.read(RawAttributes.SPEC), late, date));
            }
            // Nothing is written until the profiles pass their quality checks: the state tables as they will be are
            // the table's untouched partitions plus the new rows.
            partials = ProfileActivity.of(usable, attributes, measures, columns, rules.sketchPrecision())
                    .localCheckpoint();
            activity = full || !lake.exists(activitySpec)
                    ? partials
                    : lake.read(activitySpec)
                            .where(not(col(ProfileActivity.DT)
                                    .isin(datesAfter(previous, date).toArray())))
                            .unionByName(partials);

            context.step(name(), "lifetime state");
            Dataset<Row> fresh = partials.where(ProfileLifetime.due(previous, date));
            Dataset<Row> before = full
                    ? null
                    : lake.read(lifetimeSpec).where(col(ProfileLifetime.DT).equalTo(lit(Date.valueOf(previous))));
            newLifetime =
                    ProfileLifetime.fold(before, fresh, lifetimeMeasures, date).localCheckpoint();
        }

        context.step(name(), "sessions");
        List<Date> days = usable
                .select(to_date(col(RawEvents.EVENT_TIME)).as("day"))
                .where(col("day").leq(lit(dt)))
                .distinct()
                .orderBy("day")
                .collectAsList()
                .stream()
                .map(r -> r.getDate(0))
                .toList();
        long sessionsWritten = 0;
        Dataset<Row> sessions = null;
        if (!days.isEmpty()) {
            // Sessions end at midnight, so a day's sessions need only that day's events, wherever they landed.
            Dataset<Row> dayEvents = usable(
                    rules,
                    lake.read(RawEvents.SPEC)
                            .where(col(RawTables.DT)
                                    .leq(lit(dt))
                                    .and(col(RawTables.DT)
                                            .geq(lit(Date.valueOf(
                                                    days.get(0).toLocalDate().minusDays(1)))))
                                    .and(to_date(col(RawEvents.EVENT_TIME)).isin(days.toArray()))));
            sessions = Sessionisation.sessions(dayEvents, rules.sessions(), columns)
                    .join(
                            graph.select(
                                    col(IdGraph.ID_TYPE).as(Sessions.DEVICE_ID_TYPE),
                                    col(IdGraph.ID_VALUE).as(Sessions.DEVICE_ID),
                                    col(IdGraph.PERSON_ID)),
                            new String[] {Sessions.DEVICE_ID_TYPE, Sessions.DEVICE_ID},
                            "left");
            sessions = LakeTables.withSpecSchema(Sessions.SPEC, sessions).localCheckpoint();
            sessionsWritten = sessions.count();
            LOG.info(
                    "{} sessions on {} day(s) from {} to {}",
                    sessionsWritten,
                    days.size(),
                    days.get(0),
                    days.get(days.size() - 1));
        }
        counts.put("sessions.days", (long) days.size());
        counts.put("sessions", sessionsWritten);

        context.step(name(), "traits per person");
        Dataset<Row> lifetime = newLifetime;
        Dataset<Row> windowed = null;
        int widest = rules.maxWindowDays(TraitSource.EVENTS);
        if (widest > 0 && activity != null) {
            windowed = ProfileTraits.windowed(
                    activity.where(col(ProfileActivity.DT)
                            .leq(lit(dt))
                            .and(col(ProfileActivity.DT).geq(lit(Date.valueOf(date.minusDays(widest + 1)))))
                            .and(col(ProfileActivity.EVENT_DAY).gt(lit(Date.valueOf(date.minusDays(widest)))))),
                    rules.traits(),
                    date);
        }
        Dataset<Row> sessionTraits = null;
        int sessionWindow = rules.maxWindowDays(TraitSource.SESSIONS);
        Dataset<Row> allSessions = !lake.exists(Sessions.SPEC)
                ? sessions
                : sessions == null
                        ? lake.read(Sessions.SPEC)
                        : lake.read(Sessions.SPEC)
                                .where(not(col(Sessions.DT).isin(days.toArray())))
                                .unionByName(sessions);
        if (sessionWindow > 0 && allSessions != null) {
            sessionTraits = ProfileTraits.SessionTraits.of(
                    allSessions.where(col(Sessions.DT)
                            .leq(lit(dt))
                            .and(col(Sessions.DT).gt(lit(Date.valueOf(date.minusDays(sessionWindow)))))),
                    graph,
                    rules.traits(),
                    date);
        }
        if (lifetime == null) {
            lifetime = context.spark()
                    .createDataFrame(List.of(), ProfileLifetime.spec(List.of()).schema());
        }
        Dataset<Row> profiles = ProfileTraits.of(graph, lifetime, windowed, sessionTraits, rules, date)
                .localCheckpoint();
        long persons = profiles.count();
        if (rules.rfm() != null) {
            double[][] cuts = RfmScores.cuts(profiles, rules.rfm());
            LOG.info(
                    "RFM quintile cuts: recency {} frequency {} monetary {}",
                    Arrays.toString(cuts[0]),
                    Arrays.toString(cuts[1]),
                    Arrays.toString(cuts[2]));
            profiles = RfmScores.scored(profiles, rules.rfm(), cuts);
        }

        context.step(name(), "write profiles");
        TableSpec profilesSpec = Profiles.spec(rules);
        lake.addMissingColumns(profilesSpec);
        Dataset<Row> rows = lake.checkBeforeWriting(
                profilesSpec,
                conform(
                        LakeTables.withSpecSchema(profilesSpec, profiles),
                        lake.read(profilesSpec).schema()),
                Map.of(ProfileTraits.DT, dt));
        // The checks passed: the state tables, the sessions and the profiles are written, in that order.
        if (partials != null) {
            if (full) {
                lake.replace(activitySpec, partials);
                lake.replace(lifetimeSpec, newLifetime);
            } else {
                lake.overwritePartition(activitySpec, partials, Map.of(ProfileActivity.DT, datesAfter(previous, date)));
                lake.overwritePartition(lifetimeSpec, newLifetime, Map.of(ProfileLifetime.DT, dt));
                expireSnapshots(lake, lifetimeSpec, date, rules);
            }
        }
        if (sessions != null) {
            lake.overwritePartition(Sessions.SPEC, sessions, Map.of(Sessions.DT, days));
        }
        lake.overwritePartition(profilesSpec, rows, Map.of(ProfileTraits.DT, dt));
        LOG.info("{} profiles ({} identifiers) for {}", persons, identifiers, date);
        context.spark().catalog().clearCache();

        counts.put("identifiers", identifiers);
        counts.put("persons", persons);
        counts.put("rebuilt", full ? 1L : 0L);
        return new JobResult(eventsRead, persons, 0, counts);
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
    private static Dataset<Row> usable(ProfileRules rules, Dataset<Row> events) {
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
    private static Dataset<Row> conform(Dataset<Row> rows, StructType table) {
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
