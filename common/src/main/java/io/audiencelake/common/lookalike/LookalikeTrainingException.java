package io.audiencelake.common.lookalike;

/** The data cannot give a model (seed too small, a feature without variance): the job refuses to train. */
public final class LookalikeTrainingException extends RuntimeException {
    public LookalikeTrainingException(String message) {
        super(message);
    }
}
