package io.audiencelake.common.lookalike;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.lookalike.LookalikeModel.Feature;
import io.audiencelake.common.lookalike.LookalikeModel.FeatureKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Population stability index (PSI) of a model's features between the date it was trained for and a date it
 * scores: the training date's distribution of each feature is kept with the version as bins (deciles of a
 * number plus "missing"; the most frequent values of a text plus "(other)"), and a later date is counted into
 * the same bins. PSI = sum over bins of (now - then) * ln(now / then); the usual reading (Siddiqi, Credit Risk
 * Scorecards, 2006) is below 0.1 stable, 0.1-0.25 some shift, above 0.25 a shift worth retraining for.
 */
public final class FeatureDrift {
    /** Above this PSI a feature has shifted somewhat (Siddiqi's lower threshold). */
    public static final double NOTICE = 0.10;
    /** Above this PSI a feature is reported as shifted (Siddiqi's threshold). */
    public static final double WARNING = 0.25;
    /** Label of the bin of rows without a value (numbers, dates, booleans). */
    public static final String MISSING = "missing";
    /** Label of the bin of text values outside the kept categories. */
    public static final String OTHER = "(other)";
    /** Label of a number bin (its upper bound in {@link Bin#upper()}, none for the last). */
    public static final String VALUE = "value";

    private static final double[] DECILES = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    private static final double QUANTILE_ERROR = 0.001;
    private static final int CATEGORIES = 10;
    /** Share given to an empty bin so that PSI stays finite (a common floor; a bin of one row in 10,000). */
    private static final double FLOOR = 1e-4;

    private FeatureDrift() {}

    /**
     * A bin of a feature's training distribution.
     *
     * @param label {@link #VALUE}, {@link #MISSING}, a text value, or {@link #OTHER}
     * @param upper a {@link #VALUE} bin's inclusive upper bound (above the previous bin's); null for the last
     * @param share the training date's share of rows in the bin
     */
    public record Bin(String label, Double upper, double share) {}

    /** The bins of each feature over {@code prepared} (rows of {@link LookalikeFeatures#prepare}). */
    public static Map<String, List<Bin>> baseline(Dataset<Row> prepared, List<Feature> features) {
        List<Feature> numbers = features.stream()
                .filter(f -> f.kind() != FeatureKind.CATEGORICAL)
                .toList();
        Map<String, List<Bin>> edges = new LinkedHashMap<>();
        if (!numbers.isEmpty()) {
            // One pass for every number's deciles; missing values are nulled so they do not count as 0.
            Dataset<Row> values = prepared.select(numbers.stream()
                    .map(f -> when(
                                    col(LookalikeFeatures.missingColumn(f)).equalTo(0.0),
                                    col(LookalikeFeatures.valueColumn(f)))
                            .as(f.column()))
                    .toArray(Column[]::new));
            double[][] q = values.stat()
                    .approxQuantile(
                            numbers.stream().map(Feature::column).toArray(String[]::new), DECILES, QUANTILE_ERROR);
            for (int i = 0; i < numbers.size(); i++) {
                List<Bin> bins = new ArrayList<>();
                for (double upper : new TreeSet<>(Arrays.stream(q[i]).boxed().toList())) {
                    bins.add(new Bin(VALUE, upper, 0));
                }
                bins.add(new Bin(VALUE, null, 0));
                bins.add(new Bin(MISSING, null, 0));
                edges.put(numbers.get(i).column(), bins);
            }
        }
        for (Feature f : features) {
            if (f.kind() == FeatureKind.CATEGORICAL) {
                List<Bin> bins = new ArrayList<>();
                // At most CATEGORIES rows reach the driver.
                prepared.groupBy(LookalikeFeatures.valueColumn(f))
                        .count()
                        .orderBy(desc("count"), col(LookalikeFeatures.valueColumn(f)))
                        .limit(CATEGORIES)
                        .collectAsList()
                        .forEach(r -> bins.add(new Bin(r.getString(0), null, 0)));
                bins.add(new Bin(OTHER, null, 0));
                edges.put(f.column(), bins);
            }
        }
        return shares(prepared, features, edges);
    }

    /** Each feature's PSI between its {@code baseline} bins and {@code prepared}; features without bins are left out. */
    public static Map<String, Double> psi(
            Dataset<Row> prepared, List<Feature> features, Map<String, List<Bin>> baseline) {
        List<Feature> binned =
                features.stream().filter(f -> baseline.containsKey(f.column())).toList();
        Map<String, List<Bin>> now = shares(prepared, binned, baseline);
        Map<String, Double> out = new LinkedHashMap<>();
        for (Feature f : binned) {
            List<Bin> then = baseline.get(f.column());
            List<Bin> current = now.get(f.column());
            double psi = 0;
            for (int b = 0; b < then.size(); b++) {
                double e = Math.max(FLOOR, then.get(b).share());
                double a = Math.max(FLOOR, current.get(b).share());
                psi += (a - e) * Math.log(a / e);
            }
            out.put(f.column(), psi);
        }
        return out;
    }

    /** {@code bins} with the shares of {@code prepared}'s rows in each (one aggregation for every feature). */
    private static Map<String, List<Bin>> shares(
            Dataset<Row> prepared, List<Feature> features, Map<String, List<Bin>> bins) {
        List<Column> aggs = new ArrayList<>(List.of(count(lit(1))));
        for (Feature f : features) {
            for (Column in : conditions(f, bins.get(f.column()))) {
                aggs.add(count(when(in, 1)));
            }
        }
        Row r = prepared.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
                .first();
        double rows = Math.max(1, r.getLong(0));
        Map<String, List<Bin>> out = new LinkedHashMap<>();
        int k = 1;
        for (Feature f : features) {
            List<Bin> counted = new ArrayList<>();
            for (Bin b : bins.get(f.column())) {
                counted.add(new Bin(b.label(), b.upper(), r.getLong(k++) / rows));
            }
            out.put(f.column(), counted);
        }
        return out;
    }

    /** Whether a row falls in each of a feature's bins, in bin order; every row falls in exactly one. */
    private static List<Column> conditions(Feature f, List<Bin> bins) {
        Column value = col(LookalikeFeatures.valueColumn(f));
        List<Column> out = new ArrayList<>();
        if (f.kind() == FeatureKind.CATEGORICAL) {
            List<String> kept =
                    bins.stream().map(Bin::label).filter(l -> !l.equals(OTHER)).toList();
            for (Bin b : bins) {
                out.add(b.label().equals(OTHER) ? not(value.isin(kept.toArray())) : value.equalTo(b.label()));
            }
            return out;
        }
        Column present = col(LookalikeFeatures.missingColumn(f)).equalTo(0.0);
        Double below = null;
        for (Bin b : bins) {
            if (b.label().equals(MISSING)) {
                out.add(not(present));
                continue;
            }
            Column in = present;
            if (below != null) {
                in = in.and(value.gt(below));
            }
            if (b.upper() != null) {
                in = in.and(value.leq(b.upper()));
            }
            out.add(in);
            below = b.upper();
        }
        return out;
    }
}
