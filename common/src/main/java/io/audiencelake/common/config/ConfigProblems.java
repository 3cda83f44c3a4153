package io.audiencelake.common.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem found in one file, so a user fixes them all in one round. */
public final class ConfigProblems {
    private final String file;
    private final List<String> problems = new ArrayList<>();

    public ConfigProblems(String file) {
        this.file = file;
    }

    public String file() {
        return file;
    }

    public void add(String path, String message) {
        problems.add(file + ": " + (path.isEmpty() ? "(top level)" : path) + ": " + message);
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /** Throws a {@link ConfigException} listing every problem, if there is any. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
