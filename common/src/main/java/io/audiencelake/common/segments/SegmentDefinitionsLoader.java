package io.audiencelake.common.segments;

import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.config.ConfigNode;
import io.audiencelake.common.config.ConfigProblems;
import io.audiencelake.common.config.YamlDocument;
import io.audiencelake.common.feeds.FeedContract;
import io.audiencelake.common.feeds.FeedKind;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.ProfileTraits;
import io.audiencelake.common.profiles.Profiles;
import io.audiencelake.common.profiles.RfmScores;
import io.audiencelake.common.profiles.TraitSource;
import io.audiencelake.common.segments.SegmentDefinitions.Segment;
import io.audiencelake.common.segments.SegmentRule.All;
import io.audiencelake.common.segments.SegmentRule.Any;
import io.audiencelake.common.segments.SegmentRule.Comparison;
import io.audiencelake.common.segments.SegmentRule.InSegment;
import io.audiencelake.common.segments.SegmentRule.Not;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;

/**
 * Reads {@code segments.yaml} and the files it includes, parses and type-checks every rule against the
 * profiles schema that traits.yaml defines, resolves segment references (unknown ids and cycles are
 * errors) and works out each segment's data-usage labels. Every problem names the file, the segment,
 * the position in the rule and what was expected; nothing needs Spark to run.
 */
public final class SegmentDefinitionsLoader {
    private static final String ID = "[a-z][a-z0-9_]*";
    private static final String CONTROL_GROUP = "control_group";
    /** A membership time-to-live longer than the longest trait window (400 days) would outlive any rule. */
    public static final int MAX_TTL_DAYS = 400;
    /** What a control share must look like, for every file that declares one. */
    public static final String SHARE_EXPECTED = "a share of people in (0%, 50%], e.g. 10%";

    private SegmentDefinitionsLoader() {}

    public static SegmentDefinitions load(Path file, ProfileRules traits, Collection<FeedContract> contracts) {
        return load(file, traits, contracts, YamlDocument.NO_VARIABLES);
    }

    public static SegmentDefinitions load(
            Path file, ProfileRules traits, Collection<FeedContract> contracts, Function<String, String> environment) {
        ConfigProblems problems = new ConfigProblems(file.toString());
        ConfigNode root = new ConfigNode(YamlDocument.read(file, environment), "", problems);
        Map<String, DataType> columns = profileColumns(traits);
        ConfigNode consent = root.object("consent");
        String granted = consent.string("granted_value", "granted");
        Map<String, String> purposes = purposes(consent, columns);
        List<Raw> raws = new ArrayList<>();
        readSegments(root, purposes, raws, problems);
        for (String include : root.strings("include")) {
            readIncluded(file.resolveSibling(include).normalize(), environment, purposes, raws, problems);
        }
        List<String> overlap = root.strings("overlap");
        ControlGroups controlGroups = controlGroups(root);
        root.rejectUnknownKeys();

        Map<String, Raw> byId = new LinkedHashMap<>();
        for (Raw r : raws) {
            if (byId.putIfAbsent(r.id, r) != null) {
                r.node.problem("id", "duplicate segment id '" + r.id + "'");
            }
        }
        for (String id : overlap) {
            if (!byId.containsKey(id)) {
                root.problem("overlap", "unknown segment '" + id + "'");
            }
        }
        checkRules(raws, byId, new SegmentCompiler(columns));
        List<String> order = order(byId, problems);
        problems.throwIfAny();
        List<Segment> ordered = labelled(order, byId, columnLabels(traits, contracts));
        return new SegmentDefinitions(ordered, overlap, granted, purposes, controlGroups);
    }

    /** {@code control_group: {global: 2%, salt: ...}}: both optional (no global group, the default salt). */
    private static ControlGroups controlGroups(ConfigNode root) {
        if (!root.has(CONTROL_GROUP)) {
            return ControlGroups.NONE;
        }
        ConfigNode node = root.object(CONTROL_GROUP);
        double global = node.parsed("global", 0.0, SHARE_EXPECTED, ControlGroups::share);
        String salt = node.string("salt", ControlGroups.SALT_DEFAULT);
        if (salt.isBlank()) {
            node.problem("salt", "expected some text (a new salt draws new control groups), got an empty one");
            salt = ControlGroups.SALT_DEFAULT;
        }
        node.rejectUnknownKeys();
        return new ControlGroups(global, salt);
    }

    private static Map<String, DataType> profileColumns(ProfileRules traits) {
        Map<String, DataType> columns = new LinkedHashMap<>();
        for (StructField f : Profiles.spec(traits).schema().fields()) {
            if (!f.name().equals(ProfileTraits.PERSON_ID) && !f.name().equals(ProfileTraits.DT)) {
                columns.put(f.name(), f.dataType());
            }
        }
        return columns;
    }

    /** Consent purpose -> the profiles column (an attribute trait) that holds it. */
    private static Map<String, String> purposes(ConfigNode consent, Map<String, DataType> columns) {
        Map<String, String> purposes = consent.stringMap("purposes");
        purposes.forEach((purpose, column) -> {
            if (!columns.containsKey(column)) {
                consent.problem(
                        "purposes." + purpose,
                        "unknown profiles column '" + column + "'; add a trait of kind attribute for consent." + purpose
                                + " to traits.yaml");
            }
        });
        consent.rejectUnknownKeys();
        return purposes;
    }

    /** An included file's problems are reported under {@code include}, each naming its own file. */
    private static void readIncluded(
            Path other,
            Function<String, String> environment,
            Map<String, String> purposes,
            List<Raw> raws,
            ConfigProblems problems) {
        ConfigProblems includedProblems = new ConfigProblems(other.toString());
        ConfigNode included = new ConfigNode(YamlDocument.read(other, environment), "", includedProblems);
        readSegments(included, purposes, raws, includedProblems);
        included.rejectUnknownKeys();
        if (!includedProblems.isEmpty()) {
            try {
                includedProblems.throwIfAny();
            } catch (ConfigException e) {
                e.problems().forEach(p -> problems.add("include", p));
            }
        }
    }

    /** Type-checks every rule against the profiles columns and finds references to unknown segments. */
    private static void checkRules(List<Raw> raws, Map<String, Raw> byId, SegmentCompiler compiler) {
        for (Raw r : raws) {
            if (r.rule == null) {
                continue;
            }
            try {
                compiler.check(r.rule);
            } catch (SegmentRuleException e) {
                r.problem(e.getMessage());
            }
            for (InSegment ref : references(r.rule)) {
                if (!byId.containsKey(ref.segmentId())) {
                    r.problem("at position " + ref.position() + ": unknown segment '" + ref.segmentId() + "'");
                }
            }
        }
    }

    /**
     * Segments in dependency order, each with its data-usage labels: those of the columns its rule reads, of
     * the segments it references and of its consent column.
     */
    private static List<Segment> labelled(
            List<String> order, Map<String, Raw> byId, Map<String, Set<String>> labelsOf) {
        Map<String, Segment> done = new LinkedHashMap<>();
        for (String id : order) {
            Raw r = byId.get(id);
            Set<String> labels = new TreeSet<>();
            fields(r.rule).forEach(f -> labels.addAll(labelsOf.getOrDefault(f, Set.of())));
            references(r.rule)
                    .forEach(ref -> labels.addAll(done.get(ref.segmentId()).labels()));
            if (r.consentColumn != null) {
                labels.addAll(labelsOf.getOrDefault(r.consentColumn, Set.of()));
            }
            done.put(
                    id,
                    new Segment(
                            id,
                            r.name,
                            r.owner,
                            r.description,
                            r.rule,
                            r.text,
                            r.consent,
                            r.consentColumn,
                            labels,
                            r.controlShare,
                            r.ttlDays));
        }
        return List.copyOf(done.values());
    }

    /** A segment as read, before ordering. */
    private static final class Raw {
        ConfigNode node;
        String id;
        String name;
        String owner;
        String description;
        String text;
        SegmentRule rule;
        String consent;
        String consentColumn;
        double controlShare;
        int ttlDays;

        void problem(String message) {
            node.problem("rule", "segment '" + id + "': " + message);
        }
    }

    private static void readSegments(
            ConfigNode root, Map<String, String> purposes, List<Raw> out, ConfigProblems problems) {
        for (ConfigNode s : root.objects("segments")) {
            Raw r = new Raw();
            r.node = s;
            r.id = s.requiredString("id");
            if (r.id != null && !r.id.matches(ID)) {
                s.problem("id", "expected lower-case letters, digits and _, got '" + r.id + "'");
            }
            r.name = s.requiredString("name");
            r.owner = s.requiredString("owner");
            r.description = s.string("description", "");
            r.consent = s.string("consent", null);
            r.controlShare = s.parsed(CONTROL_GROUP, 0.0, SHARE_EXPECTED, ControlGroups::share);
            r.ttlDays = s.intValue("ttl_days", 0, 1, MAX_TTL_DAYS);
            if (r.consent != null) {
                r.consentColumn = purposes.get(r.consent);
                if (r.consentColumn == null) {
                    s.problem(
                            "consent",
                            "unknown purpose '" + r.consent + "'; expected one of " + purposes.keySet()
                                    + " (consent.purposes)");
                }
            }
            if (!s.has("rule")) {
                s.problem("rule", "is required: e.g. \"purchases_30d >= 2 and not segment('churned')\"");
            } else {
                try {
                    r.rule = rule(s, r);
                } catch (SegmentRuleException e) {
                    r.problem(e.getMessage());
                }
            }
            s.rejectUnknownKeys();
            out.add(r);
        }
    }

    /** A text rule, or a mapping with one of all / any (lists of text rules) or not (a text rule). */
    private static SegmentRule rule(ConfigNode s, Raw r) {
        if (!s.isObject("rule")) {
            r.text = s.string("rule", "");
            return RuleParser.parse(r.text);
        }
        ConfigNode node = s.object("rule");
        List<String> texts = new ArrayList<>();
        SegmentRule out = null;
        int kinds = 0;
        for (String combinator : List.of("all", "any")) {
            if (node.has(combinator)) {
                kinds++;
                List<SegmentRule> parts = new ArrayList<>();
                for (String t : node.strings(combinator)) {
                    parts.add(RuleParser.parse(t));
                    texts.add("(" + t + ")");
                }
                if (parts.isEmpty()) {
                    throw new SegmentRuleException(0, combinator + " needs at least one rule");
                }
                out = combinator.equals("all") ? new All(parts, 0) : new Any(parts, 0);
                r.text = String.join(combinator.equals("all") ? " and " : " or ", texts);
            }
        }
        if (node.has("not")) {
            kinds++;
            String t = node.string("not", "");
            out = new Not(RuleParser.parse(t), 0);
            r.text = "not (" + t + ")";
        }
        node.rejectUnknownKeys();
        if (kinds != 1) {
            throw new SegmentRuleException(0, "a structured rule has exactly one of all, any or not");
        }
        return out;
    }

    /** Segment ids in an order where each comes after the segments it references; cycles are problems. */
    private static List<String> order(Map<String, Raw> byId, ConfigProblems problems) {
        List<String> out = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>();
        for (String id : byId.keySet()) {
            visit(id, byId, state, new ArrayList<>(), out, problems);
        }
        return out;
    }

    private static void visit(
            String id,
            Map<String, Raw> byId,
            Map<String, Integer> state,
            List<String> path,
            List<String> out,
            ConfigProblems problems) {
        Integer s = state.get(id);
        if (s != null && s == 2) {
            return;
        }
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
            cycle.add(id);
            byId.get(id).problem("segments reference each other in a cycle: " + String.join(" -> ", cycle));
            return;
        }
        Raw r = byId.get(id);
        if (r == null) {
            return;
        }
        state.put(id, 1);
        path.add(id);
        if (r.rule != null) {
            for (InSegment ref : references(r.rule)) {
                if (byId.containsKey(ref.segmentId())) {
                    visit(ref.segmentId(), byId, state, path, out, problems);
                }
            }
        }
        path.remove(path.size() - 1);
        state.put(id, 2);
        out.add(id);
    }

    /** Profiles columns a segment's rule reads, also through the segments it references. */
    public static Set<String> columnsRead(SegmentDefinitions definitions, String segmentId) {
        Set<String> out = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(segmentId));
        Set<String> seen = new HashSet<>();
        Map<String, Segment> byId = definitions.byId();
        while (!todo.isEmpty()) {
            Segment s = byId.get(todo.pop());
            if (s == null || !seen.add(s.id())) {
                continue;
            }
            out.addAll(fields(s.rule()));
            references(s.rule()).forEach(r -> todo.push(r.segmentId()));
        }
        return out;
    }

    static List<InSegment> references(SegmentRule rule) {
        List<InSegment> out = new ArrayList<>();
        walk(rule, n -> {
            if (n instanceof InSegment s) {
                out.add(s);
            }
        });
        return out;
    }

    static Set<String> fields(SegmentRule rule) {
        Set<String> out = new LinkedHashSet<>();
        walk(rule, n -> {
            if (n instanceof Comparison c) {
                out.add(c.field());
            }
        });
        return out;
    }

    private static void walk(SegmentRule rule, Consumer<SegmentRule> visit) {
        if (rule == null) {
            return;
        }
        visit.accept(rule);
        if (rule instanceof All a) {
            a.rules().forEach(r -> walk(r, visit));
        } else if (rule instanceof Any a) {
            a.rules().forEach(r -> walk(r, visit));
        } else if (rule instanceof Not n) {
            walk(n.rule(), visit);
        }
    }

    /** Data-usage labels of each profiles column: the labels of the feeds its trait reads. */
    public static Map<String, Set<String>> columnLabels(ProfileRules traits, Collection<FeedContract> contracts) {
        Set<String> events = new TreeSet<>();
        contracts.stream().filter(c -> c.kind() == FeedKind.EVENTS).forEach(c -> events.addAll(c.labels()));
        Map<String, Set<String>> out = new HashMap<>();
        for (ProfileRules.Trait t : traits.traits()) {
            if (t.source() != TraitSource.ATTRIBUTES) {
                out.put(t.name(), events);
                continue;
            }
            Set<String> labels = new TreeSet<>();
            for (FeedContract c : contracts) {
                if (c.kind() != FeedKind.RECORDS || c.attributes() == null) {
                    continue;
                }
                var a = c.attributes();
                String prefix = a.namePrefix() == null ? "" : a.namePrefix();
                boolean provides = t.of() == null
                        || (a.longFormat()
                                ? t.of().startsWith(prefix)
                                : a.columns().stream().anyMatch(col -> (prefix + col).equals(t.of())));
                if (provides) {
                    labels.addAll(c.labels());
                }
            }
            out.put(t.name(), labels);
        }
        RfmScores.COLUMNS.forEach(c -> out.put(c, events));
        return out;
    }
}
