package io.audiencelake.common.segments;

import static io.audiencelake.common.segments.SegmentTables.ADD;
import static io.audiencelake.common.segments.SegmentTables.CHANGE;
import static io.audiencelake.common.segments.SegmentTables.DT;
import static io.audiencelake.common.segments.SegmentTables.PERSON_ID;
import static io.audiencelake.common.segments.SegmentTables.QUALIFIED_ON;
import static io.audiencelake.common.segments.SegmentTables.REMOVE;
import static io.audiencelake.common.segments.SegmentTables.SEGMENT_ID;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.segments.SegmentDefinitions.Segment;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Evaluates every segment in one pass over profiles: each segment is a boolean Column (a referenced
 * segment's Column is reused inside the referencing one), all of them go into one array per person,
 * exploded into membership rows. Changes and overlaps are joins on (segment, person) and person; no
 * step runs once per segment.
 */
public final class SegmentEvaluation {
    private SegmentEvaluation() {}

    /** Each segment's membership Column over a profiles row, in the definitions' dependency order. */
    public static Map<String, Column> conditions(SegmentDefinitions definitions, SegmentCompiler compiler) {
        Map<String, Column> out = new HashMap<>();
        for (Segment s : definitions.segments()) {
            Column c = compiler.compile(s.rule(), ref -> out.get(ref.segmentId()));
            if (s.consentColumn() != null) {
                c = c.and(col(s.consentColumn()).eqNullSafe(lit(definitions.grantedValue())));
            }
            out.put(s.id(), c);
        }
        return out;
    }

    /** (segment_id, person_id) of every member of every segment. */
    public static Dataset<Row> members(
            Dataset<Row> profiles, SegmentDefinitions definitions, SegmentCompiler compiler) {
        Map<String, Column> conditions = conditions(definitions, compiler);
        List<Column> ids = new ArrayList<>();
        for (Segment s : definitions.segments()) {
            ids.add(when(conditions.get(s.id()), lit(s.id())));
        }
        Column all = filter(array(ids.toArray(Column[]::new)), x -> x.isNotNull());
        return profiles.select(col(PERSON_ID), explode(all).as(SEGMENT_ID)).select(SEGMENT_ID, PERSON_ID);
    }

    /**
     * The date's members with each segment's time-to-live (Adobe Audience Manager's segment TTL): everyone a rule
     * selects on the date (qualified_on = the date), and each member of a segment with {@code ttl_days} on that
     * segment's previous run who last qualified at most ttl_days before the date and is not selected now (their
     * qualified_on kept), if they have a profile on the date and {@link #stillAllowed} holds for them: a withdrawn
     * consent ends a kept membership at once. Incremental: the previous run's members carry the dates, no older
     * day is read. A {@code segment('id')} reference sees who its rule selects on the date, not kept members.
     *
     * @param today (segment_id, person_id) the rules select on the date
     * @param previous each segment's members on its previous run, with qualified_on
     * @param profiles the date's profiles (person_id and the columns {@code allowed} reads)
     */
    public static Dataset<Row> withTimeToLive(
            Dataset<Row> today,
            Dataset<Row> previous,
            Map<String, Integer> ttlDays,
            Dataset<Row> profiles,
            Column allowed,
            LocalDate date) {
        Date dt = Date.valueOf(date);
        Dataset<Row> qualified = today.select(col(SEGMENT_ID), col(PERSON_ID), lit(dt).as(QUALIFIED_ON));
        if (ttlDays.isEmpty()) {
            return qualified;
        }
        List<Column> entries = new ArrayList<>();
        ttlDays.forEach((segment, days) -> {
            entries.add(lit(segment));
            entries.add(lit(days));
        });
        Column ttl = element_at(functions.map(entries.toArray(Column[]::new)), col(SEGMENT_ID));
        Dataset<Row> kept = previous.where(col(SEGMENT_ID)
                        .isin(ttlDays.keySet().toArray())
                        .and(col(QUALIFIED_ON).lt(lit(dt)))
                        .and(datediff(lit(dt), col(QUALIFIED_ON)).leq(ttl)))
                .select(SEGMENT_ID, PERSON_ID, QUALIFIED_ON)
                .join(today.select(SEGMENT_ID, PERSON_ID), new String[] {SEGMENT_ID, PERSON_ID}, "left_anti")
                .join(profiles, PERSON_ID)
                .where(allowed)
                .select(SEGMENT_ID, PERSON_ID, QUALIFIED_ON);
        return qualified.unionByName(kept);
    }

    /**
     * Whether a kept member (a row with segment_id over the date's profiles) may stay: their latest consent for the
     * segment's purpose is granted; true for segments without a purpose.
     */
    public static Column stillAllowed(SegmentDefinitions definitions) {
        Column out = lit(true);
        for (Segment s : definitions.segments()) {
            if (s.ttlDays() > 0 && s.consentColumn() != null) {
                out = when(
                                col(SEGMENT_ID).equalTo(s.id()),
                                col(s.consentColumn()).eqNullSafe(definitions.grantedValue()))
                        .otherwise(out);
            }
        }
        return out;
    }

    /**
     * Adds (in current, not in previous) and removes (the other way) of the given segments; a segment
     * that emptied loses all its members, one that is no longer defined is left alone.
     */
    public static Dataset<Row> changes(
            Dataset<Row> current, Dataset<Row> previous, List<String> segments, LocalDate date) {
        String[] key = {SEGMENT_ID, PERSON_ID};
        Dataset<Row> now = current.select(SEGMENT_ID, PERSON_ID);
        Dataset<Row> before =
                previous.select(SEGMENT_ID, PERSON_ID).where(col(SEGMENT_ID).isin(segments.toArray()));
        return now.join(before, key, "left_anti")
                .withColumn(CHANGE, lit(ADD))
                .unionByName(before.join(now, key, "left_anti").withColumn(CHANGE, lit(REMOVE)))
                .withColumn(DT, lit(Date.valueOf(date)));
    }

    /**
     * Each segment's members on that segment's latest date before {@code date}, from the membership rows of one
     * source (rule or lookalike): what this run's members are compared with for adds and removes.
     */
    public static Dataset<Row> previousMembers(Dataset<Row> membership, String source, LocalDate date) {
        Dataset<Row> earlier = membership.where(col(DT).lt(lit(Date.valueOf(date)))
                .and(col(SegmentTables.SOURCE).equalTo(source)));
        Dataset<Row> latest = earlier.groupBy(SEGMENT_ID).agg(max(DT).as(DT));
        return earlier.join(latest, new String[] {SEGMENT_ID, DT}, "left_semi");
    }

    /**
     * (segment_id, size, adds, removes, control_size), never null: segments with members or changes (a segment
     * without either gets no row; the job fills zeros). {@code current} carries each member's audience group.
     */
    public static Dataset<Row> counts(Dataset<Row> current, Dataset<Row> changes) {
        Dataset<Row> sizes = current.groupBy(SEGMENT_ID)
                .agg(
                        count(lit(1)).as(SegmentTables.SIZE),
                        count(when(col(SegmentTables.AUDIENCE_GROUP).equalTo(SegmentTables.CONTROL), 1))
                                .as(SegmentTables.CONTROL_SIZE));
        Dataset<Row> moves = changes.groupBy(SEGMENT_ID)
                .agg(
                        count(when(col(CHANGE).equalTo(ADD), 1)).as(SegmentTables.ADDS),
                        count(when(col(CHANGE).equalTo(REMOVE), 1)).as(SegmentTables.REMOVES));
        return sizes.join(moves, new String[] {SEGMENT_ID}, "full")
                .select(
                        col(SEGMENT_ID),
                        coalesce(col(SegmentTables.SIZE), lit(0L)).as(SegmentTables.SIZE),
                        coalesce(col(SegmentTables.ADDS), lit(0L)).as(SegmentTables.ADDS),
                        coalesce(col(SegmentTables.REMOVES), lit(0L)).as(SegmentTables.REMOVES),
                        coalesce(col(SegmentTables.CONTROL_SIZE), lit(0L)).as(SegmentTables.CONTROL_SIZE));
    }

    /**
     * Pairwise intersections of the chosen segments: one self-join of their members on person (a person
     * in k chosen segments gives k(k+1)/2 rows), not one pass per pair.
     */
    public static Dataset<Row> overlaps(Dataset<Row> current, List<String> segments, LocalDate date) {
        Dataset<Row> chosen =
                current.where(col(SEGMENT_ID).isin(segments.toArray())).select(SEGMENT_ID, PERSON_ID);
        Dataset<Row> a = chosen.toDF(SegmentTables.SEGMENT_A, PERSON_ID);
        Dataset<Row> b = chosen.toDF(SegmentTables.SEGMENT_B, PERSON_ID);
        return a.join(b, PERSON_ID)
                .where(col(SegmentTables.SEGMENT_A).leq(col(SegmentTables.SEGMENT_B)))
                .groupBy(SegmentTables.SEGMENT_A, SegmentTables.SEGMENT_B)
                .agg(count(lit(1)).as(SegmentTables.PERSONS))
                .withColumn(DT, lit(Date.valueOf(date)));
    }
}
