package io.audiencelake.common.quality;

import java.util.List;

/** A write failed a blocking quality check and was not committed; the message lists the failing checks. */
public final class QualityGateException extends IllegalStateException {
    private final List<QualityOutcome> failures;

    public QualityGateException(String table, List<QualityOutcome> failures) {
        super(table + " was not written: " + failures.size() + " blocking quality check(s) failed; readers keep the "
                + "previous version:\n  "
                + String.join(
                        "\n  ", failures.stream().map(QualityOutcome::describe).toList()));
        this.failures = List.copyOf(failures);
    }

    public List<QualityOutcome> failures() {
        return failures;
    }
}
