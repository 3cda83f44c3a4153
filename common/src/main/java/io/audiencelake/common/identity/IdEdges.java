package io.audiencelake.common.identity;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.lake.Versions;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The {@code id_edges} table: every accepted link between two identifiers, with why it was made. */
public final class IdEdges {
    public static final String SRC_TYPE = "src_type";
    public static final String SRC_VALUE = "src_value";
    public static final String DST_TYPE = "dst_type";
    public static final String DST_VALUE = "dst_value";
    public static final String KIND = "kind";
    public static final String RULE = "rule";
    public static final String SCORE = "score";
    public static final String EVIDENCE = "evidence";
    /** Not a stored column: the date of id_match_metrics and of older tables' snapshots. */
    public static final String DT = "dt";

    public static final String DETERMINISTIC = "deterministic";
    public static final String PROBABILISTIC = "probabilistic";
    /** One browser's successive cookies ({@link DeviceContinuity}). */
    public static final String CONTINUITY = "continuity";

    public static final TableSpec SPEC = new TableSpec(
            "id_edges",
            "Links between identifiers, as versions: deterministic (seen in one record) or probabilistic "
                    + "(a Fellegi-Sunter model's score above the threshold), with each comparison's level and weight. "
                    + "A version lasts from the run that made the link (valid_from) to the run that no longer made "
                    + "it (valid_to, null while current); the links as of date D are the rows with valid_from <= D "
                    + "and (valid_to is null or valid_to > D).",
            "identity",
            new StructType(new StructField[] {
                column(SRC_TYPE, DataTypes.StringType, false, "id type of one end"),
                column(SRC_VALUE, DataTypes.StringType, false, "identifier of one end (SHA-256 for email and phone)"),
                column(DST_TYPE, DataTypes.StringType, false, "id type of the other end"),
                column(DST_VALUE, DataTypes.StringType, false, "identifier of the other end"),
                column(
                        KIND,
                        DataTypes.StringType,
                        false,
                        "deterministic, probabilistic or continuity (one browser's successive cookies)"),
                column(
                        RULE,
                        DataTypes.StringType,
                        false,
                        "record:<feed> for deterministic links; <model>:<blocking rules> for probabilistic ones"),
                column(SCORE, DataTypes.DoubleType, false, "match probability (1 for deterministic links)"),
                column(
                        EVIDENCE,
                        DataTypes.createArrayType(
                                new StructType(new StructField[] {
                                    new StructField("comparison", DataTypes.StringType, true, Metadata.empty()),
                                    new StructField("level", DataTypes.StringType, true, Metadata.empty()),
                                    new StructField("weight", DataTypes.DoubleType, true, Metadata.empty())
                                }),
                                // as Parquet reads it back: a version carried from the table keeps it so
                                true),
                        false,
                        "per comparison: level (exact, close, far, missing) and weight in bits, as of the latest run"),
                column(Versions.VALID_FROM, DataTypes.DateType, false, "run date the link was made"),
                column(
                        Versions.VALID_TO,
                        DataTypes.DateType,
                        true,
                        "run date the link was no longer made; null while current"),
                column(
                        Versions.CHANGE,
                        DataTypes.StringType,
                        false,
                        "how the version began: added, or moved (kind changed)"),
                column(Versions.ENDED, DataTypes.StringType, true, "how the version ended: moved or removed")
            }),
            List.of(),
            List.of(SRC_TYPE, SRC_VALUE, DST_TYPE, DST_VALUE, Versions.VALID_FROM));

    /** A link's version lasts while its kind stays; rule, score and evidence are refreshed on it. */
    public static final Versions VERSIONS = new Versions(
            List.of(SRC_TYPE, SRC_VALUE, DST_TYPE, DST_VALUE),
            List.of(KIND),
            List.of(SRC_TYPE, SRC_VALUE, DST_TYPE, DST_VALUE, KIND, RULE, SCORE, EVIDENCE));

    private IdEdges() {}
}
