package io.audiencelake.common.identity;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.lake.TableSpec;
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
    public static final String DT = "dt";
    public static final String DETERMINISTIC = "deterministic";
    public static final String PROBABILISTIC = "probabilistic";

    public static final TableSpec SPEC = new TableSpec(
            "id_edges",
            "Links between identifiers as of a run date: deterministic (seen in one record) or probabilistic "
                    + "(a Fellegi-Sunter model's score above the threshold), with each comparison's level and weight.",
            "identity",
            new StructType(new StructField[] {
                column(SRC_TYPE, DataTypes.StringType, false, "id type of one end"),
                column(SRC_VALUE, DataTypes.StringType, false, "identifier of one end (SHA-256 for email and phone)"),
                column(DST_TYPE, DataTypes.StringType, false, "id type of the other end"),
                column(DST_VALUE, DataTypes.StringType, false, "identifier of the other end"),
                column(KIND, DataTypes.StringType, false, "deterministic or probabilistic"),
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
                                false),
                        false,
                        "per comparison: level (exact, close, far, missing) and weight in bits"),
                column(DT, DataTypes.DateType, false, "run date (partition)")
            }),
            List.of(DT),
            List.of(SRC_TYPE, SRC_VALUE, DST_TYPE, DST_VALUE, DT));

    private IdEdges() {}
}
