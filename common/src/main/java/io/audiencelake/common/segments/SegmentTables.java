package io.audiencelake.common.segments;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The tables the segments job writes, with their column names. */
public final class SegmentTables {
    public static final String SEGMENT_ID = "segment_id";
    public static final String PERSON_ID = "person_id";
    public static final String SOURCE = "source";
    public static final String SCORE = "score";
    public static final String CHANGE = "change";
    public static final String NAME = "name";
    public static final String OWNER = "owner";
    public static final String SIZE = "size";
    public static final String ADDS = "adds";
    public static final String REMOVES = "removes";
    public static final String LABELS = "labels";
    public static final String CONSENT = "consent";
    public static final String RULE = "rule";
    public static final String SEGMENT_A = "segment_a";
    public static final String SEGMENT_B = "segment_b";
    public static final String PERSONS = "persons";
    public static final String DT = "dt";
    public static final String AUDIENCE_GROUP = "audience_group";
    public static final String CONTROL_SIZE = "control_size";
    public static final String QUALIFIED_ON = "qualified_on";
    /** {@link #AUDIENCE_GROUP} of members an export may send. */
    public static final String TREATED = "treated";
    /** {@link #AUDIENCE_GROUP} of members held out of every export ({@link ControlGroups}). */
    public static final String CONTROL = "control";
    /** {@link #SOURCE} of members from a segment rule. */
    public static final String RULE_SOURCE = "rule";
    /** {@link #SOURCE} of members a lookalike model chose. */
    public static final String LOOKALIKE_SOURCE = "lookalike";

    public static final String ADD = "add";
    public static final String REMOVE = "remove";
    private static final String DOMAIN = "segments";

    public static final TableSpec MEMBERSHIP = new TableSpec(
            "segment_membership",
            "Who is in each segment on a date: one row per segment and person. Rule segments come from the "
                    + "segments job, lookalike segments from the lookalike job (source).",
            DOMAIN,
            new StructType(new StructField[] {
                column(SEGMENT_ID, DataTypes.StringType, false, "segment id (segments.yaml)"),
                column(PERSON_ID, DataTypes.StringType, false, "person id (id_graph)"),
                column(SCORE, DataTypes.DoubleType, true, "model score for lookalike members; empty for rule members"),
                column(SOURCE, DataTypes.StringType, false, "rule or lookalike (partition)"),
                column(DT, DataTypes.DateType, false, "run date (partition)"),
                // Last, as a column added to an existing table is: rows written before are in no group.
                column(
                        AUDIENCE_GROUP,
                        DataTypes.StringType,
                        true,
                        "treated, or control: held out of every export to measure what exports did (empty on "
                                + "rows written before control groups)"),
                column(
                        QUALIFIED_ON,
                        DataTypes.DateType,
                        true,
                        "the last date the rule held for the member: the run date, or earlier for a member kept by the "
                                + "segment's ttl_days; empty for lookalike members and rows written before")
            }),
            List.of(DT, SOURCE),
            List.of(SEGMENT_ID, PERSON_ID, DT));

    public static final TableSpec CHANGES = new TableSpec(
            "segment_changes",
            "Who joined (add) and who left (remove) each segment since that segment's previous run; rule "
                    + "segments from the segments job, lookalike segments from the lookalike job (source).",
            DOMAIN,
            new StructType(new StructField[] {
                column(SEGMENT_ID, DataTypes.StringType, false, "segment id"),
                column(PERSON_ID, DataTypes.StringType, false, "person id"),
                column(CHANGE, DataTypes.StringType, false, "add or remove"),
                column(SOURCE, DataTypes.StringType, false, "rule or lookalike (partition)"),
                column(DT, DataTypes.DateType, false, "run date (partition)")
            }),
            List.of(DT, SOURCE),
            List.of(SEGMENT_ID, PERSON_ID, DT));

    public static final TableSpec STATS = new TableSpec(
            "segment_stats",
            "Size, adds and removes of each segment per run date, with its definition, owner and data-usage labels.",
            DOMAIN,
            new StructType(new StructField[] {
                column(SEGMENT_ID, DataTypes.StringType, false, "segment id"),
                column(NAME, DataTypes.StringType, false, "segment name"),
                column(OWNER, DataTypes.StringType, false, "owning team"),
                column(RULE, DataTypes.StringType, false, "the rule as written"),
                column(CONSENT, DataTypes.StringType, true, "consent purpose members must have granted"),
                column(
                        LABELS,
                        DataTypes.createArrayType(DataTypes.StringType, false),
                        false,
                        "data-usage labels of the feeds the rule reads: exports check them"),
                column(SIZE, DataTypes.LongType, false, "members on the date"),
                column(ADDS, DataTypes.LongType, false, "members who joined since the previous run"),
                column(REMOVES, DataTypes.LongType, false, "members who left since the previous run"),
                column(SOURCE, DataTypes.StringType, false, "rule or lookalike (partition)"),
                column(DT, DataTypes.DateType, false, "run date (partition)"),
                column(
                        CONTROL_SIZE,
                        DataTypes.LongType,
                        true,
                        "members in the control group (never exported; treated = size - control_size); empty "
                                + "before control groups")
            }),
            List.of(DT, SOURCE),
            List.of(SEGMENT_ID, DT));

    public static final TableSpec OVERLAPS = new TableSpec(
            "segment_overlaps",
            "Persons in both of two segments (segments.yaml overlap list), per run date; a = b gives the size.",
            DOMAIN,
            new StructType(new StructField[] {
                column(SEGMENT_A, DataTypes.StringType, false, "segment id"),
                column(SEGMENT_B, DataTypes.StringType, false, "segment id, not before segment_a"),
                column(PERSONS, DataTypes.LongType, false, "persons in both"),
                column(DT, DataTypes.DateType, false, "run date (partition)")
            }),
            List.of(DT),
            List.of(SEGMENT_A, SEGMENT_B, DT));

    private SegmentTables() {}
}
