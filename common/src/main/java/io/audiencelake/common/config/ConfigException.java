package io.audiencelake.common.config;

import java.util.List;

/** A user mistake in configuration or arguments: reported as one clear message, exit code 2, no stack trace. */
public class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** Each problem as "file: field.path: expected ..., got ...". */
    public List<String> problems() {
        return problems;
    }
}
