package io.audiencelake.common.segments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The segments of {@code conf/segments.yaml} (and the files it includes), validated and compiled by
 * {@link SegmentDefinitionsLoader}: in dependency order, so a segment comes after every segment its rule
 * references.
 *
 * @param overlap segment ids whose pairwise overlaps the job writes to {@code segment_overlaps}
 * @param grantedValue the consent status that grants a purpose (e.g. {@code granted})
 * @param consentColumns each consent purpose's profiles column (its latest status)
 * @param controlGroups the global control group and the salt every control group is drawn with
 */
public record SegmentDefinitions(
        List<Segment> segments,
        List<String> overlap,
        String grantedValue,
        Map<String, String> consentColumns,
        ControlGroups controlGroups) {

    public SegmentDefinitions {
        segments = List.copyOf(segments);
        overlap = List.copyOf(overlap);
        consentColumns = Map.copyOf(consentColumns);
    }

    public SegmentDefinitions(List<Segment> segments, List<String> overlap, String grantedValue) {
        this(segments, overlap, grantedValue, Map.of(), ControlGroups.NONE);
    }

    /**
     * One segment.
     *
     * @param rule the parsed rule
     * @param ruleText the rule as written (text form), or its YAML rendered as text
     * @param consentColumn the profiles column holding the required purpose's latest status, or null
     * @param labels data-usage labels of every feed the rule's traits come from (and of referenced segments)
     * @param controlShare share of the members held out of exports as the segment's control group, 0 for none
     * @param ttlDays a person stays a member this many days after the rule last held for them, 0 for none (members
     *     are who qualify on the date)
     */
    public record Segment(
            String id,
            String name,
            String owner,
            String description,
            SegmentRule rule,
            String ruleText,
            String consentPurpose,
            String consentColumn,
            Set<String> labels,
            double controlShare,
            int ttlDays) {
        public Segment {
            labels = Set.copyOf(labels);
        }
    }

    /** Each segment's own control share (segments without one are left out). */
    public Map<String, Double> controlShares() {
        Map<String, Double> out = new LinkedHashMap<>();
        segments.stream().filter(s -> s.controlShare() > 0).forEach(s -> out.put(s.id(), s.controlShare()));
        return out;
    }

    /** Each segment's membership time-to-live in days (segments without one are left out). */
    public Map<String, Integer> ttlDays() {
        Map<String, Integer> out = new LinkedHashMap<>();
        segments.stream().filter(s -> s.ttlDays() > 0).forEach(s -> out.put(s.id(), s.ttlDays()));
        return out;
    }

    public Map<String, Segment> byId() {
        Map<String, Segment> out = new LinkedHashMap<>();
        segments.forEach(s -> out.put(s.id(), s));
        return out;
    }
}
