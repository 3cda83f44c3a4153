package io.audiencelake.common.lookalike;

import java.util.List;
import java.util.Optional;

/**
 * The models of {@code conf/lookalike.yaml}.
 *
 * @param minSeed the fewest seed members a model trains on; a smaller seed is refused
 * @param maxEvaluationRows the most unlabelled people scored to measure a model (a sample above that)
 */
public record LookalikeModels(int minSeed, long maxEvaluationRows, List<LookalikeModel> models) {
    public LookalikeModels {
        models = List.copyOf(models);
    }

    public Optional<LookalikeModel> byId(String id) {
        return models.stream().filter(m -> m.id().equals(id)).findFirst();
    }
}
