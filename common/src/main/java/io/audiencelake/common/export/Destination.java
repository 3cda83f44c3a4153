package io.audiencelake.common.export;

import io.audiencelake.common.feeds.IdType;
import java.util.List;
import java.util.Set;

/**
 * One destination of {@code conf/destinations.yaml}: its kind and how that kind delivers ({@code writer}),
 * with which identifier, which segments, and under which consent purpose and data-usage labels.
 *
 * @param identifier the identifier type the destination takes, mapped from person ids through id_graph
 * @param consentPurpose people without this purpose granted are never written
 * @param allowedLabels data-usage labels the destination may receive; a segment carrying any other is refused
 */
public record Destination(
        String id,
        String name,
        String owner,
        DestinationKind kind,
        DestinationWriter writer,
        IdType identifier,
        List<String> segments,
        ExportMode mode,
        String consentPurpose,
        Set<String> allowedLabels) {

    public Destination {
        segments = List.copyOf(segments);
        allowedLabels = Set.copyOf(allowedLabels);
    }

    /** What each drop holds. */
    public enum ExportMode {
        /** Every member on the date. */
        FULL,
        /** Adds and removes since the destination's last successful export. */
        INCREMENTAL
    }
}
