package io.audiencelake.common.identity;

import static io.audiencelake.common.lake.TableSpec.column;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.audiencelake.common.identity.IdentityRules.Comparison;
import io.audiencelake.common.identity.IdentityRules.MatchModel;
import io.audiencelake.common.lake.TableSpec;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code id_compared_pairs} table: every candidate pair a match model compared, with its comparison levels.
 * A daily run compares only pairs with a changed profile; the levels of the others stand, and every pair, new
 * and standing, is weighed again with the run's parameters, fitted on all of them. So a daily run fits, scores
 * and guards a model on the same pairs as a rebuild, rather than on a day's handful (whose labels and verdict can
 * differ from the rebuild's).
 */
public final class ComparedPairs {
    public static final String MODEL = "model";
    public static final String SRC_TYPE = IdEdges.SRC_TYPE;
    public static final String SRC_VALUE = IdEdges.SRC_VALUE;
    public static final String DST_TYPE = IdEdges.DST_TYPE;
    public static final String DST_VALUE = IdEdges.DST_VALUE;
    public static final String RULES = CandidatePairs.RULES;
    public static final String LEVELS = "levels";
    public static final String TERM_FREQUENCIES = "term_frequencies";
    public static final String SIGNATURE = "signature";
    public static final String THROUGH = IdentifierState.THROUGH;

    public static final TableSpec SPEC = new TableSpec(
            "id_compared_pairs",
            "Identity's state per candidate pair of a match model, up to the run date in `through`: the blocking "
                    + "rules that found it and each comparison's level. A daily run compares again only pairs with a "
                    + "changed profile and weighs all of them with the run's parameters; id_edges holds those "
                    + "accepted.",
            "identity",
            new StructType(new StructField[] {
                column(MODEL, DataTypes.StringType, false, "the match model's id"),
                column(SRC_TYPE, DataTypes.StringType, false, "id type of one end"),
                column(SRC_VALUE, DataTypes.StringType, false, "identifier of one end (SHA-256 for email and phone)"),
                column(DST_TYPE, DataTypes.StringType, false, "id type of the other end"),
                column(DST_VALUE, DataTypes.StringType, false, "identifier of the other end"),
                column(
                        RULES,
                        DataTypes.createArrayType(DataTypes.StringType, true),
                        false,
                        "blocking rules that found the pair, sorted"),
                column(
                        LEVELS,
                        DataTypes.createArrayType(DataTypes.IntegerType, true),
                        false,
                        "each comparison's level in the model's order (0 far, 1 close, 2 exact, 3 missing)"),
                column(
                        TERM_FREQUENCIES,
                        DataTypes.createArrayType(DataTypes.DoubleType, true),
                        false,
                        "per comparison, the share of profiles with the agreeing value (term-frequency ones), else null"),
                column(SIGNATURE, DataTypes.StringType, false, "the model's settings the levels were made with"),
                column(THROUGH, DataTypes.DateType, false, "the run date the state is up to")
            }),
            List.of(),
            List.of(MODEL, SRC_TYPE, SRC_VALUE, DST_TYPE, DST_VALUE));

    private ComparedPairs() {}

    /** A fingerprint of the model's settings: levels made under other settings are compared again. */
    public static String signature(MatchModel model) {
        return UUID.nameUUIDFromBytes(model.toString().getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /**
     * The table's rows of {@code model} as leveled candidate pairs (l_node, r_node, rules, a level column per
     * comparison and a term-frequency column per term-frequency comparison), as {@link PairComparisons#levels}
     * makes them.
     */
    public static Dataset<Row> leveled(Dataset<Row> table, MatchModel model) {
        List<Column> out = new ArrayList<>();
        out.add(IdentifierNodes.node(col(SRC_TYPE), col(SRC_VALUE)).as(CandidatePairs.LEFT + IdentifierNodes.NODE));
        out.add(IdentifierNodes.node(col(DST_TYPE), col(DST_VALUE)).as(CandidatePairs.RIGHT + IdentifierNodes.NODE));
        out.add(col(RULES));
        out.addAll(leveledColumns(model, col(LEVELS), col(TERM_FREQUENCIES)));
        return table.where(col(MODEL).equalTo(model.id())).select(out.toArray(Column[]::new));
    }

    /** The columns of leveled pairs a stored (or, for {@code narrow}, computed) pair carries. */
    public static Dataset<Row> narrow(Dataset<Row> leveled, MatchModel model) {
        List<Column> out = new ArrayList<>();
        out.add(col(CandidatePairs.LEFT + IdentifierNodes.NODE));
        out.add(col(CandidatePairs.RIGHT + IdentifierNodes.NODE));
        out.add(col(RULES));
        for (Comparison c : model.comparisons()) {
            out.add(col(PairComparisons.level(c)).cast(DataTypes.IntegerType));
            if (c.termFrequency()) {
                out.add(col(PairComparisons.termFrequency(c)).cast(DataTypes.DoubleType));
            }
        }
        return leveled.select(out.toArray(Column[]::new));
    }

    private static List<Column> leveledColumns(MatchModel model, Column levels, Column termFrequencies) {
        List<Column> out = new ArrayList<>();
        for (int i = 0; i < model.comparisons().size(); i++) {
            Comparison c = model.comparisons().get(i);
            out.add(levels.getItem(i).as(PairComparisons.level(c)));
            if (c.termFrequency()) {
                out.add(termFrequencies.getItem(i).as(PairComparisons.termFrequency(c)));
            }
        }
        return out;
    }

    /**
     * Rows of the table for one model's leveled pairs ({@link #narrow}), each end's identifier from {@code ends}
     * (node, id_type, id_value); pairs with an end not in {@code ends} are left out.
     */
    public static Dataset<Row> rows(Dataset<Row> leveled, MatchModel model, Dataset<Row> ends, LocalDate through) {
        Dataset<Row> e = ends.select(IdentifierNodes.NODE, IdentifierNodes.ID_TYPE, IdentifierNodes.ID_VALUE);
        List<Column> levels = new ArrayList<>();
        List<Column> tfs = new ArrayList<>();
        for (Comparison c : model.comparisons()) {
            levels.add(col(PairComparisons.level(c)).cast(DataTypes.IntegerType));
            tfs.add(
                    c.termFrequency()
                            ? col(PairComparisons.termFrequency(c)).cast(DataTypes.DoubleType)
                            : lit(null).cast(DataTypes.DoubleType));
        }
        String left = CandidatePairs.LEFT + IdentifierNodes.NODE;
        String right = CandidatePairs.RIGHT + IdentifierNodes.NODE;
        return leveled.join(e.toDF(left, SRC_TYPE, SRC_VALUE), left)
                .join(e.toDF(right, DST_TYPE, DST_VALUE), right)
                .select(
                        lit(model.id()).as(MODEL),
                        col(SRC_TYPE),
                        col(SRC_VALUE),
                        col(DST_TYPE),
                        col(DST_VALUE),
                        col(RULES),
                        array(levels.toArray(Column[]::new)).as(LEVELS),
                        array(tfs.toArray(Column[]::new)).as(TERM_FREQUENCIES),
                        lit(signature(model)).as(SIGNATURE),
                        lit(Date.valueOf(through)).as(THROUGH));
    }
}
