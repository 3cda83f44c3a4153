package io.audiencelake.common.profiles;

import io.audiencelake.common.config.ConfigNode;
import io.audiencelake.common.config.ConfigProblems;
import io.audiencelake.common.config.YamlDocument;
import io.audiencelake.common.feeds.ColumnType;
import io.audiencelake.common.feeds.FeedContract;
import io.audiencelake.common.feeds.FeedKind;
import io.audiencelake.common.profiles.ProfileRules.Channel;
import io.audiencelake.common.profiles.ProfileRules.Rfm;
import io.audiencelake.common.profiles.ProfileRules.SessionRules;
import io.audiencelake.common.profiles.ProfileRules.Trait;
import io.audiencelake.common.profiles.ProfileRules.Window;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads and checks {@code traits.yaml} against the feed contracts: every unknown column, attribute,
 * kind or window is reported with the file, the field path and what was expected, before any job runs.
 */
public final class ProfileRulesLoader {
    private static final String NAME = "[a-z][a-z0-9_]*";
    /** The longest window a trait may have; windows read this many days of daily state. */
    public static final int MAX_WINDOW_DAYS = 400;

    private ProfileRulesLoader() {}

    public static ProfileRules load(Path file, Collection<FeedContract> contracts) {
        return load(file, contracts, YamlDocument.NO_VARIABLES);
    }

    public static ProfileRules load(
            Path file, Collection<FeedContract> contracts, Function<String, String> environment) {
        ConfigProblems problems = new ConfigProblems(file.toString());
        ConfigNode root = new ConfigNode(YamlDocument.read(file, environment), "", problems);
        EventColumns events = EventColumns.of(contracts);
        AttributeNames attributes = AttributeNames.of(contracts);

        int precision = root.intValue("sketch_precision", 12, 4, 21);
        int retention = root.intValue("state_retention_days", 7, 1, 3660);
        SessionRules sessions = sessions(root.object("sessions"), events);

        List<Trait> traits = new ArrayList<>();
        Set<String> names = new HashSet<>(ProfileTraits.BUILT_IN);
        for (ConfigNode t : root.objects("traits")) {
            Trait trait = trait(t, events, attributes);
            if (trait == null) {
                continue;
            }
            if (!names.add(trait.name())) {
                t.problem(
                        "name",
                        "duplicate trait name '" + trait.name() + "' (built-in columns: "
                                + String.join(", ", ProfileTraits.BUILT_IN) + ")");
            }
            traits.add(trait);
        }
        if (traits.isEmpty() && !root.has("traits")) {
            root.problem("traits", "expected a list of traits");
        }

        Rfm rfm = null;
        if (root.has("rfm")) {
            ConfigNode r = root.object("rfm");
            String recency = numericTrait(r, "recency", traits);
            String frequency = numericTrait(r, "frequency", traits);
            String monetary = numericTrait(r, "monetary", traits);
            r.rejectUnknownKeys();
            rfm = new Rfm(recency, frequency, monetary);
            for (String column : RfmScores.COLUMNS) {
                if (!names.add(column)) {
                    r.problem(null, "trait name '" + column + "' is taken by the RFM scores");
                }
            }
        }
        root.rejectUnknownKeys();
        problems.throwIfAny();
        return new ProfileRules(sessions, traits, rfm, precision, retention);
    }

    private static SessionRules sessions(ConfigNode s, EventColumns events) {
        int gap = s.intValue("gap_minutes", 30, 1, 24 * 60);
        boolean campaign = s.bool("split_on_campaign", true);
        List<String> conversions = s.has("conversion_events") ? s.strings("conversion_events") : List.of("purchase");
        String page = eventColumn(s, "page_column", "page_url", events);
        String referrer = eventColumn(s, "referrer_column", "referrer", events);
        String campaignColumn = eventColumn(s, "campaign_column", "campaign", events);
        boolean robots = s.bool("include_robots", false);
        List<Channel> channels = new ArrayList<>();
        for (ConfigNode c : s.objects("channels")) {
            String name = c.requiredString("name");
            if (name != null && !name.matches(NAME)) {
                c.problem("name", "expected lower-case letters, digits and _, got '" + name + "'");
            }
            List<String> hosts = c.strings("referrer_hosts");
            Boolean withCampaign = c.has("with_campaign") ? c.bool("with_campaign", false) : null;
            if (hosts.isEmpty() && withCampaign == null) {
                c.problem(null, "expected referrer_hosts, with_campaign or both");
            }
            c.rejectUnknownKeys();
            channels.add(new Channel(name, hosts, withCampaign));
        }
        s.rejectUnknownKeys();
        return new SessionRules(gap, campaign, conversions, page, referrer, campaignColumn, channels, robots);
    }

    private static String eventColumn(ConfigNode s, String key, String defaultName, EventColumns events) {
        String name = s.string(key, defaultName);
        if (!events.has(name)) {
            if (s.has(key)) {
                s.problem(
                        key,
                        "unknown event column '" + name + "'; expected one of "
                                + new TreeSet<>(events.types().keySet()));
            }
            return null;
        }
        return name;
    }

    private static Trait trait(ConfigNode t, EventColumns events, AttributeNames attributes) {
        String name = t.requiredString("name");
        if (name != null && !name.matches(NAME)) {
            t.problem("name", "expected lower-case letters, digits and _ (it becomes a column), got '" + name + "'");
        }
        String description = t.requiredString("description");
        TraitKind kind = t.enumValue("kind", TraitKind.class, null);
        if (kind == null && !t.has("kind")) {
            t.problem("kind", "is required: one of " + kinds());
        }
        TraitSource source = t.enumValue(
                "source", TraitSource.class, kind == TraitKind.ATTRIBUTE ? TraitSource.ATTRIBUTES : TraitSource.EVENTS);
        if (kind != null && !kind.reads(source)) {
            t.problem(
                    "kind",
                    source.singular() + " traits are " + TraitKind.readersOf(source) + ", got " + kind.yamlName());
        }
        Window window = window(t, source);
        Map<String, ColumnType> columns = switch (source) {
            case EVENTS -> events.types();
            case SESSIONS -> Sessions.TRAIT_COLUMNS;
            case ATTRIBUTES -> Map.of();
        };
        String of = t.string("of", null);
        ColumnType type = kind == null ? null : ofType(t, kind, source, of, columns, attributes);
        Double percentile = percentile(t, kind);
        Map<String, List<String>> where = where(t.object("where"), source, columns);
        Map<String, List<String>> among = among(t, kind, source, columns, where);
        t.rejectUnknownKeys();
        if (name == null || kind == null || window == null || description == null) {
            return null;
        }
        return new Trait(
                name,
                description,
                kind,
                source,
                of,
                type != null ? type : kind.typeWithoutColumn(),
                where,
                among,
                window,
                percentile);
    }

    /** The trait's window: required for session traits, lifetime (and only lifetime) for attribute traits. */
    private static Window window(ConfigNode t, TraitSource source) {
        Window window = t.parsed(
                "window",
                null,
                "a number of days such as 7d (1d to " + MAX_WINDOW_DAYS + "d) or lifetime",
                ProfileRulesLoader::window);
        if (window == null && !t.has("window")) {
            window = source == TraitSource.SESSIONS ? null : Window.LIFETIME;
            if (window == null) {
                t.problem("window", "is required for session traits, e.g. 30d");
            }
        }
        if (source == TraitSource.ATTRIBUTES && window != null && !window.isLifetime()) {
            t.problem("window", "attribute traits hold the latest value: leave window out (lifetime)");
        }
        if (source == TraitSource.SESSIONS && window != null && window.isLifetime()) {
            t.problem("window", "session traits need a window of days (sessions are read back for it), e.g. 90d");
        }
        return window;
    }

    /** The type of the column (or attribute) in {@code of}, checked against what the kind takes; null if none. */
    private static ColumnType ofType(
            ConfigNode t,
            TraitKind kind,
            TraitSource source,
            String of,
            Map<String, ColumnType> columns,
            AttributeNames attributes) {
        TraitKind.Input input = kind.input();
        if (of == null) {
            if (input == TraitKind.Input.COLUMN || input == TraitKind.Input.NUMBER) {
                t.problem(
                        "of",
                        "is required for kind " + kind.yamlName() + ": the "
                                + (source == TraitSource.ATTRIBUTES ? "attribute name" : "column") + " to aggregate");
            }
            return null;
        }
        if (input == TraitKind.Input.NONE) {
            t.problem("of", "kind " + kind.yamlName() + " takes no column");
            return null;
        }
        if (source == TraitSource.ATTRIBUTES) {
            if (!attributes.known(of)) {
                t.problem("of", "unknown attribute '" + of + "'; expected one of " + attributes.describe());
            }
            return t.enumValue("type", ColumnType.class, ColumnType.STRING).widened();
        }
        ColumnType type = columns.get(of);
        if (type == null) {
            t.problem(
                    "of",
                    "unknown " + source.name().toLowerCase(Locale.ROOT) + " column '" + of + "'; expected one of "
                            + new TreeSet<>(columns.keySet()));
        } else if (input == TraitKind.Input.NUMBER && !type.isNumber()) {
            t.problem(
                    "of",
                    "kind " + kind.yamlName() + " needs a number column, '" + of + "' is "
                            + type.name().toLowerCase(Locale.ROOT));
        }
        return type;
    }

    /** {@code percentile} (0 to 1): required by kind percentile, refused by every other kind. */
    private static Double percentile(ConfigNode t, TraitKind kind) {
        if (kind == TraitKind.PERCENTILE) {
            if (!t.has("percentile")) {
                t.problem("percentile", "is required for kind percentile: a fraction from 0 to 1, e.g. 0.5");
                return null;
            }
            return t.doubleValue("percentile", 0.5, 0, 1);
        }
        if (t.has("percentile")) {
            t.problem("percentile", "only kind percentile takes a percentile");
        }
        return null;
    }

    /**
     * {@code among} of a share or a rate (the rows it is taken of; all rows when absent), refused by other kinds. A
     * share needs a {@code where} (a share of everything is 1), and {@code where} must leave some of those rows.
     */
    private static Map<String, List<String>> among(
            ConfigNode t,
            TraitKind kind,
            TraitSource source,
            Map<String, ColumnType> columns,
            Map<String, List<String>> where) {
        boolean takes = kind == TraitKind.SHARE || kind == TraitKind.RATE;
        if (!takes) {
            if (t.has("among")) {
                t.problem("among", "only kinds share and rate take 'among' (the rows they are taken of)");
            }
            return Map.of();
        }
        Map<String, List<String>> among = where(t.object("among"), source, columns);
        if (kind == TraitKind.SHARE && where.isEmpty()) {
            t.problem(
                    "where", "is required for kind share: the rows whose share is taken, e.g. {page_category: shoes}");
        }
        for (Map.Entry<String, List<String>> e : where.entrySet()) {
            List<String> both = among.getOrDefault(e.getKey(), e.getValue());
            if (both.stream().noneMatch(e.getValue()::contains)) {
                t.problem(
                        "where",
                        "column " + e.getKey() + " allows none of the values 'among' allows " + both
                                + ": the trait would always be 0");
            }
        }
        return among;
    }

    /** The trait's filter: column = one of the values, for event and session columns only. */
    private static Map<String, List<String>> where(ConfigNode w, TraitSource source, Map<String, ColumnType> columns) {
        Map<String, List<String>> where = new LinkedHashMap<>();
        for (String column : w.keys()) {
            List<String> values = w.strings(column);
            if (values.isEmpty()) {
                w.problem(column, "expected a value or a list of values");
            }
            if (source == TraitSource.ATTRIBUTES) {
                w.problem(column, "attribute traits take no filter: name the attribute in 'of'");
            } else if (!columns.containsKey(column)) {
                w.problem(
                        column,
                        "unknown " + source.name().toLowerCase(Locale.ROOT) + " column; expected one of "
                                + new TreeSet<>(columns.keySet()));
            }
            where.put(column, values);
        }
        return where;
    }

    private static String numericTrait(ConfigNode r, String key, List<Trait> traits) {
        String name = r.requiredString(key);
        if (name == null) {
            return null;
        }
        Trait t = traits.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
        if (t == null) {
            r.problem(key, "unknown trait '" + name + "'; expected one of the traits above");
        } else if (ProfileTraits.outputType(t) != ColumnType.LONG && ProfileTraits.outputType(t) != ColumnType.DOUBLE) {
            r.problem(key, "trait '" + name + "' is not a number");
        }
        return name;
    }

    static Window window(String text) {
        if (text.equals("lifetime")) {
            return Window.LIFETIME;
        }
        if (!text.matches("[0-9]{1,4}d")) {
            return null;
        }
        int days = Integer.parseInt(text.substring(0, text.length() - 1));
        return days >= 1 && days <= MAX_WINDOW_DAYS ? new Window(days) : null;
    }

    private static String kinds() {
        List<String> out = new ArrayList<>();
        for (TraitKind k : TraitKind.values()) {
            out.add(k.yamlName());
        }
        return String.join(", ", out);
    }

    /** Attribute names record feeds write: named columns, or any name under a prefix (segment., consent.). */
    record AttributeNames(Set<String> names, Set<String> prefixes) {
        static AttributeNames of(Collection<FeedContract> contracts) {
            Set<String> names = new TreeSet<>();
            Set<String> prefixes = new TreeSet<>();
            for (FeedContract c : contracts) {
                if (c.kind() != FeedKind.RECORDS || c.attributes() == null) {
                    continue;
                }
                var a = c.attributes();
                String prefix = a.namePrefix() == null ? "" : a.namePrefix();
                if (a.longFormat()) {
                    prefixes.add(prefix);
                } else {
                    for (String column : a.columns()) {
                        names.add(prefix + column);
                    }
                }
            }
            return new AttributeNames(names, prefixes);
        }

        boolean known(String name) {
            return names.contains(name)
                    || prefixes.stream()
                            .anyMatch(p -> !p.isEmpty() ? name.startsWith(p) && name.length() > p.length() : true);
        }

        String describe() {
            List<String> out = new ArrayList<>(names);
            prefixes.forEach(p -> out.add(p + "<name>"));
            return out.toString();
        }
    }
}
