package io.audiencelake.common.profiles;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.feeds.ColumnType;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.profiles.ProfileRules.Trait;
import io.audiencelake.common.profiles.ProfileRules.Window;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Rolls identifier-level state up to persons as id_graph says today, and finishes every trait. Because
 * state is kept per identifier, a merge or split of persons in identity needs no rework here.
 * Two shuffles by person (event and attribute traits; session traits) and joins on person id.
 */
public final class ProfileTraits {
    public static final String PERSON_ID = IdGraph.PERSON_ID;
    public static final String IDENTIFIERS = "identifiers";
    public static final String DEVICES = "devices";
    public static final String FIRST_SEEN = "first_seen";
    public static final String LAST_SEEN = "last_seen";
    public static final String DT = "dt";
    /** Columns every profile has, before the configured traits. */
    public static final List<String> BUILT_IN = List.of(PERSON_ID, IDENTIFIERS, DEVICES, FIRST_SEEN, LAST_SEEN, DT);
    /** Identifier types that are devices. */
    public static final List<String> DEVICE_TYPES = List.of("cookie", "maid");

    private ProfileTraits() {}

    /** The type a trait has in profiles. */
    public static ColumnType outputType(Trait t) {
        return t.kind().outputType(t.type());
    }

    /** Distinct measures of the traits of events and attributes, in trait order. */
    public static List<Measure> measures(List<Trait> traits) {
        Set<Measure> out = new LinkedHashSet<>();
        for (Trait t : traits) {
            if (t.source() != TraitSource.SESSIONS) {
                out.addAll(t.kind().measures(t));
            }
        }
        return List.copyOf(out);
    }

    /** The measures the lifetime state keeps. */
    public static List<Measure> lifetimeMeasures(List<Trait> traits) {
        return measures(traits.stream().filter(t -> t.window().isLifetime()).toList());
    }

    /** Windowed measures per identifier, one column per (measure, window), from activity of the window's days. */
    public static Dataset<Row> windowed(Dataset<Row> activity, List<Trait> traits, LocalDate date) {
        Map<String, Column> aggs = new LinkedHashMap<>();
        for (Trait t : traits) {
            if (t.source() == TraitSource.SESSIONS || t.window().isLifetime()) {
                continue;
            }
            Column inWindow = col(ProfileActivity.EVENT_DAY)
                    .geq(date_sub(lit(Date.valueOf(date)), t.window().days() - 1))
                    .and(col(ProfileActivity.EVENT_DAY).leq(lit(Date.valueOf(date))));
            for (Measure m : t.kind().measures(t)) {
                aggs.putIfAbsent(
                        name(m, t.window()),
                        m.merge(when(inWindow, col(m.column()))).as(name(m, t.window())));
            }
        }
        if (aggs.isEmpty()) {
            return null;
        }
        List<Column> all = new ArrayList<>(aggs.values());
        return activity.groupBy(ProfileActivity.ID_TYPE, ProfileActivity.ID_VALUE)
                .agg(all.get(0), all.subList(1, all.size()).toArray(Column[]::new));
    }

    /**
     * One row per person of {@code graph} (id_graph of the date): built-in columns and every trait.
     *
     * @param lifetime the lifetime state of the date (identifier level)
     * @param windowed {@link #windowed} output, or null when no trait has a window
     * @param sessionTraits {@link SessionTraits#of} output (person level), or null when none
     */
    public static Dataset<Row> of(
            Dataset<Row> graph,
            Dataset<Row> lifetime,
            Dataset<Row> windowed,
            Dataset<Row> sessionTraits,
            ProfileRules rules,
            LocalDate date) {
        List<Trait> eventTraits = rules.traits().stream()
                .filter(t -> t.source() != TraitSource.SESSIONS)
                .toList();
        Dataset<Row> people = graph.groupBy(PERSON_ID)
                .agg(
                        count(lit(1)).as(IDENTIFIERS),
                        count(when(col(IdGraph.ID_TYPE).isin(DEVICE_TYPES.toArray()), 1))
                                .as(DEVICES),
                        min(IdGraph.FIRST_SEEN).as(FIRST_SEEN),
                        max(IdGraph.LAST_SEEN).as(LAST_SEEN));
        Dataset<Row> merged = eventTraits.isEmpty() ? null : mergedPerPerson(graph, lifetime, windowed, eventTraits);
        if (merged != null) {
            people = people.join(merged, new String[] {PERSON_ID}, "left");
        }
        if (sessionTraits != null) {
            people = people.join(sessionTraits, new String[] {PERSON_ID}, "left");
        }
        // Without windowed activity or sessions (none in the window yet) their columns are missing: nulls.
        Set<String> have = new HashSet<>(List.of(people.columns()));
        for (Trait t : rules.traits()) {
            if (t.source() == TraitSource.SESSIONS) {
                if (have.add("s_" + t.name())) {
                    people = people.withColumn(
                            "s_" + t.name(), lit(null).cast(outputType(t).sparkType()));
                }
                continue;
            }
            for (Measure m : t.kind().measures(t)) {
                if (have.add(name(m, t.window()))) {
                    people = people.withColumn(name(m, t.window()), lit(null).cast(m.partialType()));
                }
            }
        }
        List<Column> out = new ArrayList<>(
                List.of(col(PERSON_ID), col(IDENTIFIERS), col(DEVICES), col(FIRST_SEEN), col(LAST_SEEN)));
        for (Trait t : rules.traits()) {
            if (t.source() == TraitSource.SESSIONS) {
                out.add(SessionTraits.finish(t).as(t.name()));
            } else {
                out.add(t.kind()
                        .finish(t, m -> col(name(m, t.window())), date)
                        .cast(outputType(t).sparkType())
                        .as(t.name()));
            }
        }
        out.add(lit(Date.valueOf(date)).as(DT));
        return people.select(out.toArray(Column[]::new));
    }

    /**
     * The event and attribute traits' measures merged over each person's identifiers: lifetime state and
     * windowed activity, one column per (measure, window); null when there is nothing to merge.
     */
    private static Dataset<Row> mergedPerPerson(
            Dataset<Row> graph, Dataset<Row> lifetime, Dataset<Row> windowed, List<Trait> eventTraits) {
        List<Column> perId = new ArrayList<>(List.of(col(ProfileActivity.ID_TYPE), col(ProfileActivity.ID_VALUE)));
        for (Measure m : lifetimeMeasures(eventTraits)) {
            perId.add(col(m.column()).as(name(m, Window.LIFETIME)));
        }
        Dataset<Row> state = lifetime.select(perId.toArray(Column[]::new));
        if (windowed != null) {
            state = state.unionByName(windowed, true);
        }
        Map<String, Column> merges = new LinkedHashMap<>();
        for (Trait t : eventTraits) {
            for (Measure m : t.kind().measures(t)) {
                String n = name(m, t.window());
                if (List.of(state.columns()).contains(n)) {
                    merges.putIfAbsent(n, m.merge(col(n)).as(n));
                }
            }
        }
        List<Column> aggs = new ArrayList<>(merges.values());
        if (aggs.isEmpty()) {
            return null;
        }
        Dataset<Row> ids = graph.select(IdGraph.ID_TYPE, IdGraph.ID_VALUE, IdGraph.PERSON_ID);
        return state.join(ids, new String[] {ProfileActivity.ID_TYPE, ProfileActivity.ID_VALUE})
                .groupBy(PERSON_ID)
                .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    }

    private static String name(Measure m, Window w) {
        return m.column() + "__" + w;
    }

    /** Trait columns of person-level aggregates of sessions in each trait's window. */
    public static final class SessionTraits {
        private SessionTraits() {}

        /** Person-level partial columns ({@code s_<trait>}) of session traits, or null when there are none. */
        public static Dataset<Row> of(Dataset<Row> sessions, Dataset<Row> graph, List<Trait> traits, LocalDate date) {
            List<Column> aggs = new ArrayList<>();
            for (Trait t : traits) {
                if (t.source() != TraitSource.SESSIONS) {
                    continue;
                }
                Column cond = col(Sessions.DT)
                        .geq(date_sub(lit(Date.valueOf(date)), t.window().days() - 1))
                        .and(col(Sessions.DT).leq(lit(Date.valueOf(date))));
                for (Map.Entry<String, List<String>> e : t.where().entrySet()) {
                    cond = cond.and(col(e.getKey())
                            .cast(DataTypes.StringType)
                            .isin(e.getValue().toArray()));
                }
                Column v = t.of() == null ? lit(1) : col(t.of());
                Column agg = t.kind().sessionAggregate(cond, v);
                aggs.add(agg.as("s_" + t.name()));
            }
            if (aggs.isEmpty()) {
                return null;
            }
            Dataset<Row> ids = graph.select(
                    col(IdGraph.ID_TYPE).as(Sessions.DEVICE_ID_TYPE),
                    col(IdGraph.ID_VALUE).as(Sessions.DEVICE_ID),
                    col(IdGraph.PERSON_ID));
            return sessions.drop(Sessions.PERSON_ID)
                    .join(ids, new String[] {Sessions.DEVICE_ID_TYPE, Sessions.DEVICE_ID})
                    .groupBy(PERSON_ID)
                    .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
        }

        static Column finish(Trait t) {
            return t.kind().sessionFinish(col("s_" + t.name()), t);
        }
    }
}
