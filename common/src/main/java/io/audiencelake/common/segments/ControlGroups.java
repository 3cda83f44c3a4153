package io.audiencelake.common.segments;

import static io.audiencelake.common.segments.SegmentTables.AUDIENCE_GROUP;
import static io.audiencelake.common.segments.SegmentTables.CONTROL;
import static io.audiencelake.common.segments.SegmentTables.PERSON_ID;
import static io.audiencelake.common.segments.SegmentTables.SEGMENT_ID;
import static io.audiencelake.common.segments.SegmentTables.TREATED;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Control groups: members of a segment held out of every export, so that what an export did can be measured
 * against people who qualified the same way and were not sent (the randomised holdouts of Hightouch and Braze).
 *
 * <p>A member is in control when a salted hash of (segment, person) falls below the segment's share, or a salted
 * hash of the person alone falls below the global share (a universal control, held out of every segment). A hash,
 * not a random draw: a person gets the same group on every date and rerun for as long as they are in the segment,
 * and a data scientist can recompute it in SQL ({@link #bucket}). Control members stay in {@code
 * segment_membership} (the segment's size and references are about who qualifies); exports take only treated ones.
 *
 * @param globalShare share of all persons held out of every segment, 0 for none
 * @param salt text hashed before segment and person: a new salt draws new groups
 */
public record ControlGroups(double globalShare, String salt) {
    /** The salt when segments.yaml names none. */
    public static final String SALT_DEFAULT = "audiencelake-control-groups";
    /** No global control group. */
    public static final ControlGroups NONE = new ControlGroups(0, SALT_DEFAULT);
    /** Above this, "control" would be most of the audience: refused as a likely typo (50 for 5%). */
    public static final double MAX_SHARE = 0.5;
    /** The global group's part in the hash, where a segment's id goes (a segment id cannot contain '*'). */
    private static final String GLOBAL = "*";

    private static final double TWO_TO_52 = 0x1p52;

    public ControlGroups {
        if (globalShare < 0 || globalShare > MAX_SHARE) {
            throw new IllegalArgumentException("global control share must be in [0, 0.5], cannot be: " + globalShare);
        }
        if (salt == null || salt.isEmpty()) {
            throw new IllegalArgumentException("control group salt must not be empty");
        }
    }

    /**
     * "10%" or "0.1" as a share in (0, {@link #MAX_SHARE}]; null for anything else (the loaders report it with
     * the file and field).
     */
    public static Double share(String text) {
        double v = text.endsWith("%")
                ? Double.parseDouble(text.substring(0, text.length() - 1).trim()) / 100
                : Double.parseDouble(text);
        return v > 0 && v <= MAX_SHARE + 1e-12 ? v : null;
    }

    /**
     * A uniform number in [0, 1) from the salt and the parts: the first 52 bits of the SHA-256 of {@code
     * salt|part|...}. In SQL: {@code conv(substr(sha2(concat_ws('|', salt, segment_id, person_id), 256), 1, 13),
     * 16, 10) / power(2, 52)}.
     */
    public static Column bucket(String salt, Column... parts) {
        List<Column> all = new ArrayList<>();
        all.add(lit(salt));
        all.addAll(List.of(parts));
        Column hex = substring(sha2(concat_ws("|", all.toArray(Column[]::new)), 256), 1, 13);
        return conv(hex, 16, 10).cast("double").divide(TWO_TO_52);
    }

    /**
     * {@code members} (segment_id, person_id, ...) with {@link SegmentTables#AUDIENCE_GROUP}: control or treated.
     * No shuffle: a projection over each row.
     *
     * @param shares each segment's own control share; segments not listed have only the global group
     */
    public Dataset<Row> assign(Dataset<Row> members, Map<String, Double> shares) {
        Column control = lit(false);
        if (globalShare > 0) {
            control = bucket(salt, lit(GLOBAL), col(PERSON_ID)).lt(globalShare);
        }
        List<Column> entries = new ArrayList<>();
        shares.forEach((segment, share) -> {
            if (share > 0) {
                entries.add(lit(segment));
                entries.add(lit(share));
            }
        });
        if (!entries.isEmpty()) {
            Column own = coalesce(element_at(functions.map(entries.toArray(Column[]::new)), col(SEGMENT_ID)), lit(0.0));
            control = control.or(bucket(salt, col(SEGMENT_ID), col(PERSON_ID)).lt(own));
        }
        return members.withColumn(AUDIENCE_GROUP, when(control, lit(CONTROL)).otherwise(lit(TREATED)));
    }

    /**
     * The membership rows an export may send: treated members, and rows written before control groups existed
     * (no group, or a table without the column).
     */
    public static Dataset<Row> exportable(Dataset<Row> membership) {
        if (!List.of(membership.columns()).contains(AUDIENCE_GROUP)) {
            return membership;
        }
        return membership.where(
                col(AUDIENCE_GROUP).isNull().or(col(AUDIENCE_GROUP).notEqual(lit(CONTROL))));
    }
}
