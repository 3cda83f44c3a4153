package io.audiencelake.common.identity;

import static io.audiencelake.common.lake.TableSpec.column;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.audiencelake.common.lake.TableSpec;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code id_matched_pairs} table: every pair a match model accepted (probability at or above the threshold),
 * whether or not the model's guard kept its links. A daily run scores only pairs with a changed profile; the
 * guard then judges the model on these new pairs together with the standing ones from this table, so its verdict
 * is over all of the model's pairs, as a rebuild's is, and not over a day's handful.
 */
public final class MatchedPairs {
    public static final String MODEL = "model";
    public static final String SRC_TYPE = IdEdges.SRC_TYPE;
    public static final String SRC_VALUE = IdEdges.SRC_VALUE;
    public static final String DST_TYPE = IdEdges.DST_TYPE;
    public static final String DST_VALUE = IdEdges.DST_VALUE;
    public static final String RULE = IdEdges.RULE;
    public static final String SCORE = IdEdges.SCORE;
    public static final String EVIDENCE = IdEdges.EVIDENCE;
    public static final String THROUGH = IdentifierState.THROUGH;

    public static final TableSpec SPEC = new TableSpec(
            "id_matched_pairs",
            "Identity's state per pair a match model accepted, up to the run date in `through`, whether its guard "
                    + "kept the model's links or dropped them: a daily run judges each model on these and its new "
                    + "pairs together. id_edges holds the links that were kept.",
            "identity",
            new StructType(new StructField[] {
                column(MODEL, DataTypes.StringType, false, "the match model's id"),
                column(SRC_TYPE, DataTypes.StringType, false, "id type of one end"),
                column(SRC_VALUE, DataTypes.StringType, false, "identifier of one end (SHA-256 for email and phone)"),
                column(DST_TYPE, DataTypes.StringType, false, "id type of the other end"),
                column(DST_VALUE, DataTypes.StringType, false, "identifier of the other end"),
                column(RULE, DataTypes.StringType, false, "<model>:<blocking rules that found the pair>"),
                column(SCORE, DataTypes.DoubleType, false, "match probability when last scored"),
                IdEdges.SPEC.schema().apply(EVIDENCE),
                column(THROUGH, DataTypes.DateType, false, "the run date the state is up to")
            }),
            List.of(),
            List.of(MODEL, SRC_TYPE, SRC_VALUE, DST_TYPE, DST_VALUE));

    private MatchedPairs() {}

    /**
     * The table's rows of {@code model} as accepted pairs (src, dst node numbers, rule, score, evidence), as
     * {@link ProbabilisticMatching.Result#accepted()} gives them.
     */
    public static Dataset<Row> of(Dataset<Row> table, String model) {
        return table.where(col(MODEL).equalTo(model))
                .select(
                        IdentifierNodes.node(col(SRC_TYPE), col(SRC_VALUE)).as(DeterministicLinks.SRC),
                        IdentifierNodes.node(col(DST_TYPE), col(DST_VALUE)).as(DeterministicLinks.DST),
                        col(RULE),
                        col(SCORE),
                        col(EVIDENCE));
    }

    /**
     * Rows of the table for one model's accepted pairs, each end's identifier from {@code ends} (node, id_type,
     * id_value); pairs with an end not in {@code ends} are left out.
     */
    public static Dataset<Row> rows(Dataset<Row> accepted, String model, Dataset<Row> ends, LocalDate through) {
        Dataset<Row> e = ends.select(IdentifierNodes.NODE, IdentifierNodes.ID_TYPE, IdentifierNodes.ID_VALUE);
        return accepted.join(e.toDF(DeterministicLinks.SRC, SRC_TYPE, SRC_VALUE), DeterministicLinks.SRC)
                .join(e.toDF(DeterministicLinks.DST, DST_TYPE, DST_VALUE), DeterministicLinks.DST)
                .select(
                        lit(model).as(MODEL),
                        col(SRC_TYPE),
                        col(SRC_VALUE),
                        col(DST_TYPE),
                        col(DST_VALUE),
                        col(RULE),
                        col(SCORE),
                        col(EVIDENCE),
                        lit(Date.valueOf(through)).as(THROUGH));
    }
}
