package io.audiencelake.common.lookalike;

import java.util.List;
import java.util.Locale;

/** The MLlib classifiers a lookalike model can use, with the hyper-parameters lookalike.yaml may set. */
public enum Algorithm {
    LOGISTIC_REGRESSION(List.of("max_iter", "reg_param", "elastic_net_param", "tol")),
    GRADIENT_BOOSTED_TREES(List.of("max_iter", "max_depth", "step_size", "subsampling_rate")),
    RANDOM_FOREST(List.of("num_trees", "max_depth", "subsampling_rate"));

    private final List<String> params;

    Algorithm(List<String> params) {
        this.params = params;
    }

    /** Hyper-parameter names accepted under {@code params:} and {@code tuning.grid:}. */
    public List<String> params() {
        return params;
    }

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
