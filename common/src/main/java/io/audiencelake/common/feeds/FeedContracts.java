package io.audiencelake.common.feeds;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.config.ConfigNode;
import io.audiencelake.common.config.ConfigProblems;
import io.audiencelake.common.config.YamlDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads and validates the feed contracts in a folder ({@code conf/feeds/*.yaml}). Every problem of
 * every file is reported at once, as {@code conf/feeds/crm.yaml: columns[3].type: expected ...}.
 */
public final class FeedContracts {
    private static final String NAME = "[a-z][a-z0-9_]*";

    private FeedContracts() {}

    /** All contracts of the folder by feed id; a missing folder or no contract is a config error. */
    public static Map<String, FeedContract> load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new ConfigException(folder + ": feed contract folder not found");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            throw new ConfigException(folder + ": no feed contract (*.yaml) in the folder");
        }
        Map<String, FeedContract> contracts = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                FeedContract c = loadFile(file);
                contracts.put(c.id(), c);
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return contracts;
    }

    /** One contract file; its {@code feed} id must be the file's base name (the landing folder). */
    public static FeedContract loadFile(Path file) {
        ConfigProblems problems = new ConfigProblems(file.toString());
        ConfigNode root = new ConfigNode(YamlDocument.read(file, YamlDocument.NO_VARIABLES), "", problems);
        String id = feedId(root, file);
        String description = root.string("description", "");
        Party party = required(root, "party", Party.class);
        FeedFormat format = required(root, "format", FeedFormat.class);
        boolean header = root.bool("header", format == null || format.delimited());
        char delimiter = delimiter(root, format);
        FeedKind kind = required(root, "kind", FeedKind.class);
        List<FeedColumn> columns = columns(root);
        Map<String, FeedColumn> byName = byName(columns);
        List<IdentifierColumn> identifiers = identifiers(root, byName);
        String timestamp = timestamp(root, byName, kind);
        List<String> dedupe = dedupeKey(root, byName);
        String defaultCountry = defaultCountry(root, identifiers);
        String countryColumn = existing(root, "country_column", byName, false);
        EventFields event = event(root.object("event"), byName, kind);
        AttributeFields attributes = attributes(root.object("attributes"), byName, kind, identifiers);
        List<String> labels = root.strings("labels");
        Handling handling = handling(root, kind, timestamp, dedupe);
        LinePattern pattern = pattern(root, format, columns, header);
        root.rejectUnknownKeys();
        problems.throwIfAny();
        return new FeedContract(
                id,
                file.toString(),
                description,
                party,
                format,
                format != FeedFormat.REGEX && header, // a regex feed has no header line
                delimiter,
                kind,
                columns,
                identifiers,
                timestamp,
                dedupe,
                defaultCountry,
                countryColumn,
                event,
                attributes,
                labels,
                handling.keep(),
                handling.unknown(),
                handling.maxLineBytes(),
                handling.reingest(),
                handling.dedupeDays(),
                pattern);
    }

    /** The contract's columns by name (the first of a duplicated name; unnamed ones left out). */
    private static Map<String, FeedColumn> byName(List<FeedColumn> columns) {
        Map<String, FeedColumn> byName = new LinkedHashMap<>();
        columns.stream().filter(c -> c.name() != null).forEach(c -> byName.putIfAbsent(c.name(), c));
        return byName;
    }

    /** How the feed's rows and files are handled: duplicates, unknown columns, long lines, changed files. */
    private record Handling(
            DuplicateKeep keep, UnknownColumns unknown, int maxLineBytes, boolean reingest, int dedupeDays) {}

    private static Handling handling(ConfigNode root, FeedKind kind, String timestamp, List<String> dedupe) {
        DuplicateKeep keep = keep(root, kind, timestamp);
        UnknownColumns unknown = root.enumValue("unknown_columns", UnknownColumns.class, UnknownColumns.HASH_PII);
        int maxLineBytes = maxLineBytes(root);
        int dedupeDays = dedupeDays(root, kind, dedupe);
        String onChange = root.parsed(
                "on_change", "error", "error or reingest", t -> t.equals("error") || t.equals("reingest") ? t : null);
        return new Handling(keep, unknown, maxLineBytes, onChange.equals("reingest"), dedupeDays);
    }

    /** The feed id, which must be the file's base name (the landing folder it reads). */
    private static String feedId(ConfigNode root, Path file) {
        String base = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        String id = root.requiredString("feed");
        if (id != null && !id.equals(base)) {
            root.problem(
                    "feed", "must be the file's name '" + base + "' (the landing folder it reads), got '" + id + "'");
        }
        return id;
    }

    /** The longest line (or record) a file of the feed may have before it is quarantined unread. */
    private static int maxLineBytes(ConfigNode root) {
        return root.parsed(
                "max_line_bytes",
                FeedContract.DEFAULT_MAX_LINE_BYTES,
                "a whole number of bytes from 1024 to 268435456",
                t -> {
                    int n = Integer.parseInt(t);
                    return n >= 1024 && n <= (1 << 28) ? n : null;
                });
    }

    /**
     * A column's {@code prepared:} attributes: suffix to preparation steps, e.g. {@code {words: [lower, tokens]}}
     * keeps {@code <name>.words}.
     */
    private static Map<String, List<FieldPreparation.Step>> prepared(ConfigNode n, String name, ColumnType type) {
        Map<String, List<FieldPreparation.Step>> prepared = new LinkedHashMap<>();
        ConfigNode node = n.object("prepared");
        for (String suffix : node.keys()) {
            if (!suffix.matches("[a-z][a-z0-9_]*")
                    || (suffix + ".").equals(FeedColumn.QGRAMS_SUFFIX.substring(1) + ".")) {
                node.problem(suffix, "expected a suffix of lower-case letters, digits and _ other than qgrams");
            }
            List<FieldPreparation.Step> steps = FieldPreparation.parse(node, suffix);
            if (steps.isEmpty()) {
                node.problem(suffix, "expected the preparation steps, e.g. [lower, fold_accents, tokens]");
            }
            prepared.put(suffix, steps);
        }
        if (!prepared.isEmpty() && type != ColumnType.STRING) {
            n.problem(
                    "prepared",
                    "only string columns are prepared, '" + name + "' is "
                            + type.name().toLowerCase(Locale.ROOT));
        }
        return prepared;
    }

    /** The one-character delimiter of a delimited feed: tab for TSV, a comma otherwise by default. */
    private static char delimiter(ConfigNode root, FeedFormat format) {
        String text = root.string("delimiter", format == FeedFormat.TSV ? "\t" : ",");
        if (text.length() != 1) {
            root.problem("delimiter", "expected one character, got '" + text + "'");
            return ',';
        }
        return text.charAt(0);
    }

    /**
     * Which of duplicate rows is kept. Records change over time, so by default their latest version wins; events
     * are redelivered facts.
     */
    private static DuplicateKeep keep(ConfigNode root, FeedKind kind, String timestamp) {
        DuplicateKeep keep = root.enumValue(
                "keep",
                DuplicateKeep.class,
                kind == FeedKind.RECORDS && timestamp != null ? DuplicateKeep.LATEST : DuplicateKeep.FIRST);
        if (keep == DuplicateKeep.LATEST && timestamp == null && root.has("keep")) {
            root.problem("keep", "latest needs the contract's timestamp column to tell which row is the latest");
        }
        return keep;
    }

    /** Days of earlier deliveries an events feed with a dedupe key is deduplicated against (0 for others). */
    private static int dedupeDays(ConfigNode root, FeedKind kind, List<String> dedupe) {
        int days = root.intValue("dedupe_days", 7, 0, 366);
        if (root.has("dedupe_days") && (kind != FeedKind.EVENTS || dedupe.isEmpty())) {
            root.problem("dedupe_days", "only an events feed with a dedupe_key looks for duplicates across days");
        }
        return kind == FeedKind.EVENTS && !dedupe.isEmpty() ? days : 0;
    }

    /** A required enum field: null (and a problem naming the choices) when missing or not one of them. */
    private static <E extends Enum<E>> E required(ConfigNode root, String key, Class<E> type) {
        E value = root.enumValue(key, type, null);
        if (value == null && !root.has(key)) {
            root.problem(key, "is required: one of " + ConfigNode.enumNames(type));
        }
        return value;
    }

    /** The identifier columns, each with a fixed type or a column giving each row's type; at least one. */
    private static List<IdentifierColumn> identifiers(ConfigNode root, Map<String, FeedColumn> byName) {
        List<IdentifierColumn> identifiers = new ArrayList<>();
        List<ConfigNode> idNodes = root.objects("identifiers");
        for (ConfigNode n : idNodes) {
            String column = existing(n, "column", byName, true);
            IdType type = n.enumValue("type", IdType.class, null);
            String typeColumn = existing(n, "type_column", byName, false);
            if ((type == null) == (typeColumn == null)) {
                n.problem(
                        null,
                        "expected exactly one of type (" + ConfigNode.enumNames(IdType.class) + ") or type_column");
            }
            boolean hashed = n.bool("hashed", false);
            if (hashed && type != null && !type.hashed()) {
                n.problem("hashed", "only email and phone are stored hashed; a " + type.key() + " is kept as given");
            }
            n.rejectUnknownKeys();
            identifiers.add(new IdentifierColumn(column, type, typeColumn, hashed));
        }
        if (idNodes.isEmpty()) {
            root.problem("identifiers", "at least one identifier column is required");
        }
        return identifiers;
    }

    /** The time column (required for events), of type timestamp or date. */
    private static String timestamp(ConfigNode root, Map<String, FeedColumn> byName, FeedKind kind) {
        String timestamp = existing(root, "timestamp", byName, kind == FeedKind.EVENTS);
        if (timestamp != null && byName.containsKey(timestamp)) {
            ColumnType t = byName.get(timestamp).type();
            if (t != ColumnType.TIMESTAMP && t != ColumnType.DATE) {
                root.problem(
                        "timestamp",
                        "column '" + timestamp + "' must be of type timestamp or date, is "
                                + t.name().toLowerCase(Locale.ROOT));
            }
        }
        return timestamp;
    }

    /** The columns that make a row's identity for deduplication: known and required. */
    private static List<String> dedupeKey(ConfigNode root, Map<String, FeedColumn> byName) {
        List<String> dedupe = new ArrayList<>();
        for (String k : root.strings("dedupe_key")) {
            if (!byName.containsKey(k)) {
                root.problem("dedupe_key", "unknown column '" + k + "'; expected one of " + byName.keySet());
            } else if (!byName.get(k).required()) {
                root.problem("dedupe_key", "column '" + k + "' must be required: a key with missing parts is no key");
            }
            dedupe.add(k);
        }
        return dedupe;
    }

    /** The country phone numbers without a prefix belong to: required when a phone column is an identifier. */
    private static String defaultCountry(ConfigNode root, List<IdentifierColumn> identifiers) {
        String defaultCountry = root.string("default_country", null);
        if (defaultCountry != null
                && !PhoneNumberUtil.getInstance().getSupportedRegions().contains(defaultCountry)) {
            root.problem(
                    "default_country", "expected an ISO 3166 country code such as GB, got '" + defaultCountry + "'");
        }
        if (defaultCountry == null && identifiers.stream().anyMatch(i -> i.type() == IdType.PHONE)) {
            root.problem("default_country", "is required when a phone column is an identifier");
        }
        return defaultCountry;
    }

    /** An events feed's event section (type, user agent, IP, revenue, currency columns); null for records. */
    private static EventFields event(ConfigNode eventNode, Map<String, FeedColumn> byName, FeedKind kind) {
        EventFields event = null;
        if (kind == FeedKind.EVENTS) {
            event = new EventFields(
                    existing(eventNode, "type", byName, true),
                    existing(eventNode, "user_agent", byName, false),
                    existing(eventNode, "ip", byName, false),
                    existing(eventNode, "revenue", byName, false),
                    existing(eventNode, "currency", byName, false),
                    consentChanges(eventNode.object("consent")));
            if (event.revenue() != null
                    && byName.containsKey(event.revenue())
                    && byName.get(event.revenue()).type() != ColumnType.DOUBLE) {
                eventNode.problem("revenue", "column '" + event.revenue() + "' must be of type double");
            }
        } else if (!eventNode.isMissing()) {
            eventNode.problem(null, "only an events feed has an event section");
        }
        eventNode.rejectUnknownKeys();
        return event;
    }

    /**
     * {@code consent: {unsubscribed: {purpose: email_marketing, status: denied}}}: event types that are consent
     * records; purposes and statuses are lower_snake_case (they become {@code consent.<purpose>} attributes).
     */
    private static Map<String, EventFields.ConsentChange> consentChanges(ConfigNode node) {
        Map<String, EventFields.ConsentChange> out = new LinkedHashMap<>();
        for (String event : node.keys()) {
            ConfigNode change = node.object(event);
            String purpose = change.requiredString("purpose");
            String status = change.requiredString("status");
            for (String[] v : new String[][] {{"purpose", purpose}, {"status", status}}) {
                if (v[1] != null && !v[1].matches(NAME)) {
                    change.problem(v[0], "expected lower_snake_case, got '" + v[1] + "'");
                }
            }
            change.rejectUnknownKeys();
            if (purpose != null && status != null) {
                out.put(event, new EventFields.ConsentChange(purpose, status));
            }
        }
        return out;
    }

    /** A records feed's attributes section: its subject identifier and wide or long (name, value) columns. */
    private static AttributeFields attributes(
            ConfigNode attrNode, Map<String, FeedColumn> byName, FeedKind kind, List<IdentifierColumn> identifiers) {
        if (kind != FeedKind.RECORDS) {
            if (!attrNode.isMissing()) {
                attrNode.problem(null, "only a records feed has an attributes section");
            }
            attrNode.rejectUnknownKeys();
            return null;
        }
        String subject = existing(attrNode, "subject", byName, true);
        if (subject != null && identifiers.stream().noneMatch(i -> i.column().equals(subject))) {
            attrNode.problem("subject", "must be one of the identifier columns, got '" + subject + "'");
        } else if (subject != null
                && byName.containsKey(subject)
                && !byName.get(subject).required()) {
            attrNode.problem("subject", "column '" + subject + "' must be required: every attribute needs its subject");
        }
        List<String> attrColumns = new ArrayList<>();
        for (String c : attrNode.strings("columns")) {
            if (!byName.containsKey(c)) {
                attrNode.problem("columns", "unknown column '" + c + "'; expected one of " + byName.keySet());
            }
            attrColumns.add(c);
        }
        String nameColumn = existing(attrNode, "name_column", byName, false);
        String valueColumn = existing(attrNode, "value_column", byName, false);
        String prefix = attrNode.string("name_prefix", "");
        if (attrColumns.isEmpty() == (nameColumn == null) || (nameColumn == null) != (valueColumn == null)) {
            attrNode.problem(null, "expected either columns, or name_column with value_column");
        }
        attrNode.rejectUnknownKeys();
        return new AttributeFields(subject, attrColumns, nameColumn, valueColumn, prefix);
    }

    /** A regex feed's line pattern, with a named group per required column; only regex feeds take one. */
    private static LinePattern pattern(ConfigNode root, FeedFormat format, List<FeedColumn> columns, boolean header) {
        if (format != FeedFormat.REGEX) {
            if (root.has("pattern")) {
                root.problem("pattern", "only a feed of format regex takes a pattern");
            }
            return null;
        }
        if (root.has("header") && header) {
            root.problem("header", "a regex feed has no header line");
        }
        String text = root.string("pattern", null);
        if (text == null) {
            root.problem("pattern", "is required for format regex: a regular expression with a named group per column");
            return null;
        }
        LinePattern pattern;
        try {
            pattern = LinePattern.compile(
                    text,
                    columns.stream()
                            .map(FeedColumn::name)
                            .filter(Objects::nonNull)
                            .toList());
        } catch (IllegalArgumentException e) {
            root.problem("pattern", e.getMessage());
            return null;
        }
        List<String> unmatched = pattern.missing(columns.stream()
                .filter(FeedColumn::required)
                .map(FeedColumn::name)
                .toList());
        if (!unmatched.isEmpty()) {
            root.problem("pattern", "has no named group for the required column(s) " + unmatched);
        }
        return pattern;
    }

    private static List<FeedColumn> columns(ConfigNode root) {
        List<FeedColumn> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<ConfigNode> nodes = root.objects("columns");
        if (nodes.isEmpty()) {
            root.problem("columns", "at least one column is required");
        }
        for (ConfigNode n : nodes) {
            String name = n.parsed("name", null, "a lower_snake_case column name", t -> t.matches(NAME) ? t : null);
            if (name == null && !n.has("name")) {
                n.problem("name", "is required");
            }
            if (name != null && !seen.add(name)) {
                n.problem("name", "duplicate column '" + name + "'");
            }
            ColumnType type = n.enumValue("type", ColumnType.class, ColumnType.STRING);
            boolean required = n.bool("required", false);
            boolean pii = n.bool("pii", false);
            if (pii && type != ColumnType.STRING) {
                n.problem(
                        "pii",
                        "only string columns can be personal data here, '" + name + "' is "
                                + type.name().toLowerCase(Locale.ROOT));
            }
            String format = n.parsed(
                    "format",
                    FeedColumn.ISO8601,
                    "iso8601 or a date-time pattern such as yyyy-MM-dd HH:mm:ss",
                    FeedContracts::timeFormat);
            String zone = n.parsed(
                    "zone",
                    "UTC",
                    "a time zone such as Europe/London or UTC",
                    t -> ZoneId.of(t).getId());
            if ((n.has("format") || n.has("zone")) && type != ColumnType.DATE && type != ColumnType.TIMESTAMP) {
                n.problem("format", "only date and timestamp columns take a format or zone");
            }
            boolean similarity = n.bool("similarity", false);
            if (similarity && type != ColumnType.STRING) {
                n.problem(
                        "similarity",
                        "only string columns have a q-gram encoding, '" + name + "' is "
                                + type.name().toLowerCase(Locale.ROOT));
            }
            Map<String, List<FieldPreparation.Step>> prepared = prepared(n, name, type);
            n.rejectUnknownKeys();
            out.add(new FeedColumn(name, type, required, pii, format, zone, similarity, prepared));
        }
        return out;
    }

    /** A column's time format: iso8601, or a pattern (parsing it is the check: a bad one throws, reported). */
    private static String timeFormat(String text) {
        return text.equals(FeedColumn.ISO8601) || DateTimeFormatter.ofPattern(text) != null ? text : null;
    }

    /** Reads a column reference and checks that the column exists. */
    private static String existing(ConfigNode node, String key, Map<String, FeedColumn> columns, boolean required) {
        String name = node.string(key, null);
        if (name == null) {
            if (required) {
                node.problem(key, "is required: the name of one of the columns " + columns.keySet());
            }
            return null;
        }
        if (!columns.containsKey(name)) {
            node.problem(key, "unknown column '" + name + "'; expected one of " + columns.keySet());
        }
        return name;
    }
}
