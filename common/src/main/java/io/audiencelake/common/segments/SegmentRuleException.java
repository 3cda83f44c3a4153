package io.audiencelake.common.segments;

/** A rule that cannot be parsed or compiled: says which segment, where in the rule, and what was expected. */
public class SegmentRuleException extends RuntimeException {
    private final int position;

    public SegmentRuleException(int position, String message) {
        super(message);
        this.position = position;
    }

    /** 1-based character position in the rule text (0 when the rule came from YAML structure). */
    public int position() {
        return position;
    }
}
