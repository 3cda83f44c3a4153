package io.audiencelake.common.export;

import io.audiencelake.common.config.ConfigNode;
import io.audiencelake.common.config.ConfigProblems;
import io.audiencelake.common.config.YamlDocument;
import io.audiencelake.common.export.Destination.ExportMode;
import io.audiencelake.common.feeds.IdType;
import io.audiencelake.common.lookalike.LookalikeModel;
import io.audiencelake.common.lookalike.LookalikeModels;
import io.audiencelake.common.segments.SegmentDefinitions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and checks {@code destinations.yaml}: unknown segments, identifier types, formats or consent
 * purposes, and any segment whose data-usage labels the destination may not receive, are refused with
 * the file and field path before anything is exported.
 */
public final class DestinationsLoader {
    private static final String ID = "[a-z][a-z0-9_]*";

    private DestinationsLoader() {}

    /**
     * Reads the file; its writers get {@code context} (exports root, credentials, waiting). The file itself expands
     * no {@code ${VAR}}: its values reach export_log and messages.
     */
    public static Destinations load(
            Path file, SegmentDefinitions segments, LookalikeModels lookalike, DestinationContext context) {
        ConfigProblems problems = new ConfigProblems(file.toString());
        ConfigNode root = new ConfigNode(YamlDocument.read(file, YamlDocument.NO_VARIABLES), "", problems);
        Map<String, Set<String>> labels = labelsOf(segments, lookalike);
        List<Destination> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConfigNode d : root.objects("destinations")) {
            Destination destination = destination(d, segments, labels, ids, context);
            if (destination != null) {
                out.add(destination);
            }
        }
        if (!root.has("destinations")) {
            root.problem("destinations", "expected a list of destinations");
        }
        root.rejectUnknownKeys();
        problems.throwIfAny();
        return new Destinations(out);
    }

    private static Destination destination(
            ConfigNode d,
            SegmentDefinitions segments,
            Map<String, Set<String>> labels,
            Set<String> ids,
            DestinationContext context) {
        String id = d.requiredString("id");
        if (id != null && !id.matches(ID)) {
            d.problem("id", "expected lower_snake_case letters, digits and _, got '" + id + "'");
        }
        if (id != null && !ids.add(id)) {
            d.problem("id", "duplicate destination id '" + id + "'");
        }
        String name = d.string("name", id);
        String owner = d.requiredString("owner");
        DestinationKind kind = d.enumValue("kind", DestinationKind.class, DestinationKind.S3_FILE_DROP);
        DestinationWriter writer = kind == null ? null : kind.writer(d, id, context);
        IdType identifier = d.enumValue("identifier", IdType.class, null);
        if (identifier == null && !d.has("identifier")) {
            d.problem(
                    "identifier",
                    "is required: one of email (SHA-256), phone (SHA-256), maid, cookie, customer_id, partner_id");
        }
        ExportMode mode = d.enumValue("mode", ExportMode.class, ExportMode.FULL);
        if (writer != null && identifier != null && mode != null) {
            writer.refuses(identifier, mode).ifPresent(why -> d.problem("kind", why));
        }
        Set<String> allowed = new TreeSet<>(d.strings("allowed_labels"));
        if (!d.has("allowed_labels")) {
            d.problem("allowed_labels", "is required: the data-usage labels this destination may receive");
        }
        List<String> chosen = d.strings("segments");
        checkSegments(d, chosen, labels, allowed);
        String consent = d.requiredString("consent");
        if (consent != null && !segments.consentColumns().containsKey(consent)) {
            d.problem(
                    "consent",
                    "unknown purpose '" + consent + "'; expected one of "
                            + new TreeSet<>(segments.consentColumns().keySet())
                            + " (segments.yaml consent.purposes)");
        }
        d.rejectUnknownKeys();
        return id == null || identifier == null
                ? null
                : new Destination(id, name, owner, kind, writer, identifier, chosen, mode, consent, allowed);
    }

    /** Each chosen segment must exist and carry no data-usage label the destination may not receive. */
    private static void checkSegments(
            ConfigNode d, List<String> chosen, Map<String, Set<String>> labels, Set<String> allowed) {
        if (chosen.isEmpty()) {
            d.problem("segments", "expected a list of segment ids (rule or lookalike segments)");
        }
        for (int i = 0; i < chosen.size(); i++) {
            Set<String> segmentLabels = labels.get(chosen.get(i));
            if (segmentLabels == null) {
                d.problem(
                        "segments[" + i + "]",
                        "unknown segment '" + chosen.get(i) + "'; expected a segment of "
                                + "segments.yaml or a lookalike segment of lookalike.yaml");
                continue;
            }
            Set<String> refused = new TreeSet<>(segmentLabels);
            refused.removeAll(allowed);
            if (!refused.isEmpty()) {
                d.problem(
                        "segments[" + i + "]",
                        "segment '" + chosen.get(i) + "' carries data-usage labels " + refused
                                + " that this destination may not receive (allowed_labels: " + allowed + ")");
            }
        }
    }

    /** Every exportable segment id with its data-usage labels: rule segments and lookalike segments. */
    static Map<String, Set<String>> labelsOf(SegmentDefinitions segments, LookalikeModels lookalike) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        segments.segments().forEach(s -> out.put(s.id(), s.labels()));
        if (lookalike != null) {
            for (LookalikeModel m : lookalike.models()) {
                out.put(m.segmentId(), m.labels());
            }
        }
        return out;
    }
}
