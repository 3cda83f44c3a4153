package io.audiencelake.common.quality;

/** A check's result on one write: what was seen against what was expected. */
public record QualityOutcome(QualityCheck check, boolean passed, String observed) {

    /** Failed and blocking: the write must not commit. */
    public boolean blocks() {
        return !passed && check.blocking();
    }

    public String describe() {
        return check.table() + ": " + check.name() + " " + (passed ? "passed" : "FAILED") + " (" + observed + ")"
                + (check.blocking() ? "" : " [warning only]");
    }
}
