package io.audiencelake.common.lookalike;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.covar_pop;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.var_pop;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.lookalike.LookalikeModel.Feature;
import io.audiencelake.common.lookalike.LookalikeModel.FeatureKind;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Turns profiles columns into model inputs. Missing numbers become 0 with a flag beside them, because a
 * missing count and a missing declared attribute mean different things and the model should see which;
 * dates become days before the run date, so a model trained on one date scores another date alike.
 * The prepared columns are plain Spark expressions; the encoding of text is fitted in the MLlib pipeline
 * and saved with the model.
 */
public final class LookalikeFeatures {
    /** The assembled feature vector. */
    public static final String FEATURES = "features";
    /** Separates the feature name from what its model column holds. */
    static final String SEP = "__";

    private static final String MISSING_CATEGORY = "(missing)";
    /** Values of a text feature checked for a leak: the most frequent, so the counts that reach the driver are few. */
    private static final int CATEGORIES_CHECKED = 1000;

    private LookalikeFeatures() {}

    /** Model column of a feature's value (a number, or text for a categorical feature). */
    public static String valueColumn(Feature f) {
        return f.column() + SEP + (f.kind() == FeatureKind.CATEGORICAL ? "text" : "value");
    }

    static String missingColumn(Feature f) {
        return f.column() + SEP + "missing";
    }

    static String indexColumn(Feature f) {
        return f.column() + SEP + "index";
    }

    static String vectorColumn(Feature f) {
        return f.column() + SEP + "onehot";
    }

    /** The feature a vector slot's attribute name belongs to (names start with the model column). */
    public static String featureOf(String attributeName) {
        int at = attributeName.indexOf(SEP);
        return at < 0 ? attributeName : attributeName.substring(0, at);
    }

    /** {@code keep} columns plus each feature's model columns, computed from the profiles of {@code date}. */
    public static Dataset<Row> prepare(Dataset<Row> profiles, List<Feature> features, LocalDate date, String... keep) {
        List<Column> out = new ArrayList<>();
        for (String k : keep) {
            out.add(col(k));
        }
        for (Feature f : features) {
            Column c = col(f.column());
            switch (f.kind()) {
                case CATEGORICAL ->
                    out.add(coalesce(c.cast("string"), lit(MISSING_CATEGORY)).as(valueColumn(f)));
                case NUMERIC, BOOLEAN -> {
                    out.add(coalesce(c.cast("double"), lit(0.0)).as(valueColumn(f)));
                    out.add(when(c.isNull(), 1.0).otherwise(0.0).as(missingColumn(f)));
                }
                case DAYS_BEFORE -> {
                    out.add(coalesce(
                                    datediff(lit(Date.valueOf(date)), to_date(c))
                                            .cast("double"),
                                    lit(0.0))
                            .as(valueColumn(f)));
                    out.add(when(c.isNull(), 1.0).otherwise(0.0).as(missingColumn(f)));
                }
            }
        }
        return profiles.select(out.toArray(Column[]::new));
    }

    /** Pipeline stages from prepared columns to the {@link #FEATURES} vector. */
    static List<PipelineStage> encoders(List<Feature> features) {
        List<PipelineStage> stages = new ArrayList<>();
        List<Feature> categorical = features.stream()
                .filter(f -> f.kind() == FeatureKind.CATEGORICAL)
                .toList();
        if (!categorical.isEmpty()) {
            stages.add(new StringIndexer()
                    .setInputCols(categorical.stream()
                            .map(LookalikeFeatures::valueColumn)
                            .toArray(String[]::new))
                    .setOutputCols(categorical.stream()
                            .map(LookalikeFeatures::indexColumn)
                            .toArray(String[]::new))
                    .setHandleInvalid("keep")
                    .setStringOrderType("frequencyDesc"));
            stages.add(new OneHotEncoder()
                    .setInputCols(categorical.stream()
                            .map(LookalikeFeatures::indexColumn)
                            .toArray(String[]::new))
                    .setOutputCols(categorical.stream()
                            .map(LookalikeFeatures::vectorColumn)
                            .toArray(String[]::new))
                    .setHandleInvalid("keep"));
        }
        List<String> inputs = new ArrayList<>();
        for (Feature f : features) {
            if (f.kind() == FeatureKind.CATEGORICAL) {
                inputs.add(vectorColumn(f));
            } else {
                inputs.add(valueColumn(f));
                inputs.add(missingColumn(f));
            }
        }
        stages.add(new VectorAssembler()
                .setInputCols(inputs.toArray(String[]::new))
                .setOutputCol(FEATURES));
        return stages;
    }

    /**
     * Each feature's Pearson correlation with {@code LookalikeTraining.LABEL} over {@code rows}: for a number,
     * boolean or date, of its value or of its missing flag, whichever is further from 0 (one aggregation), so a
     * trait that only seed members have is seen too; for a text, of the indicator of its most telling value (one
     * small aggregation per text feature), so a category only seed members carry is seen as well. Constant columns
     * have none.
     */
    public static Map<String, Double> labelCorrelations(Dataset<Row> rows, List<Feature> features) {
        Map<String, Double> out = numberCorrelations(rows, features);
        for (Feature f : features) {
            if (f.kind() == FeatureKind.CATEGORICAL) {
                Double r = categoryCorrelation(rows, f);
                if (r != null) {
                    out.put(f.column(), r);
                }
            }
        }
        return out;
    }

    /**
     * The correlation with the label of the indicator "this text has value k", for the value k where it is furthest
     * from 0 among the {@link #CATEGORIES_CHECKED} most frequent values; computed from the counts per value.
     */
    private static Double categoryCorrelation(Dataset<Row> rows, Feature f) {
        Column label = col(LookalikeTraining.LABEL);
        List<Row> counts = rows.groupBy(col(valueColumn(f)))
                .agg(count(lit(1)).as("n"), sum(label).as("positives"))
                .orderBy(col("n").desc())
                .limit(CATEGORIES_CHECKED)
                .collectAsList();
        Row totals = rows.agg(count(lit(1)), sum(label)).first();
        double n = totals.getLong(0);
        double positives = totals.isNullAt(1) ? 0 : totals.getDouble(1);
        double labelVariance = positives / n * (1 - positives / n);
        Double best = null;
        for (Row c : counts) {
            double share = c.getLong(1) / n;
            double both = (c.isNullAt(2) ? 0 : c.getDouble(2)) / n;
            double variance = share * (1 - share);
            if (variance > 0 && labelVariance > 0) {
                double r = (both - share * positives / n) / Math.sqrt(variance * labelVariance);
                best = best != null && Math.abs(best) >= Math.abs(r) ? best : r;
            }
        }
        return best;
    }

    private static Map<String, Double> numberCorrelations(Dataset<Row> rows, List<Feature> features) {
        List<Feature> numbers = features.stream()
                .filter(f -> f.kind() != FeatureKind.CATEGORICAL)
                .toList();
        if (numbers.isEmpty()) {
            return new LinkedHashMap<>();
        }
        // Covariances and variances, divided here: Spark's corr divides by zero for a constant column (ANSI).
        Column label = col(LookalikeTraining.LABEL);
        List<Column> aggs = new ArrayList<>(List.of(var_pop(label)));
        for (Feature f : numbers) {
            for (Column x : List.of(col(valueColumn(f)), col(missingColumn(f)))) {
                aggs.add(covar_pop(x, label));
                aggs.add(var_pop(x));
            }
        }
        Row r = rows.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
                .first();
        double labelVariance = r.isNullAt(0) ? 0 : r.getDouble(0);
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < numbers.size() && labelVariance > 0; i++) {
            double best = 0;
            boolean any = false;
            for (int k = 1 + 4 * i; k < 5 + 4 * i; k += 2) {
                double variance = r.isNullAt(k + 1) ? 0 : r.getDouble(k + 1);
                if (variance > 0) {
                    double c = r.getDouble(k) / Math.sqrt(variance * labelVariance);
                    best = any && Math.abs(best) >= Math.abs(c) ? best : c;
                    any = true;
                }
            }
            if (any) {
                out.put(numbers.get(i).column(), best);
            }
        }
        return out;
    }

    /**
     * Features that are the same for every row of {@code prepared} (one aggregation): such a feature
     * cannot tell seed members from others, and usually means a trait is empty or misnamed.
     */
    public static List<String> withoutVariance(Dataset<Row> prepared, List<Feature> features) {
        List<Column> aggs = new ArrayList<>();
        for (Feature f : features) {
            if (f.kind() == FeatureKind.CATEGORICAL) {
                aggs.add(count_distinct(col(valueColumn(f))).minus(1).cast("double"));
            } else {
                // A column that is 0 or missing throughout varies only if both kinds occur.
                aggs.add(max(col(valueColumn(f)))
                        .minus(min(col(valueColumn(f))))
                        .plus(max(col(missingColumn(f))).minus(min(col(missingColumn(f))))));
            }
        }
        Row r = prepared.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
                .first();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            if (r.isNullAt(i) || r.getDouble(i) <= 0.0) {
                out.add(features.get(i).column());
            }
        }
        return out;
    }
}
