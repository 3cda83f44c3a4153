package io.audiencelake.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A position in a YAML document that reads typed values and records what went wrong with the full
 * field path. Reading never throws: a bad value is recorded and a default returned, so that one
 * load reports every problem. Keys nobody read are reported by {@link #rejectUnknownKeys()}, which
 * catches typos such as {@code tabel_format}.
 */
public final class ConfigNode {
    private final JsonNode node;
    private final String path;
    private final ConfigProblems problems;
    private final Set<String> readKeys = new HashSet<>();

    public ConfigNode(JsonNode node, String path, ConfigProblems problems) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
        this.problems = problems;
    }

    public String path() {
        return path;
    }

    public ConfigProblems problems() {
        return problems;
    }

    public boolean isMissing() {
        return node.isMissingNode() || node.isNull();
    }

    public boolean has(String key) {
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    private String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private JsonNode raw(String key) {
        readKeys.add(key);
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value;
    }

    /** Records a problem at this node's path, or at a child's when {@code key} is given. */
    public void problem(String key, String message) {
        problems.add(key == null ? path : childPath(key), message);
    }

    /** A nested mapping; an absent key gives an empty node, a non-mapping value is a problem. */
    public ConfigNode object(String key) {
        JsonNode value = raw(key);
        if (value != null && !value.isObject()) {
            problem(key, "expected a mapping, got " + describe(value));
            value = null;
        }
        return new ConfigNode(value, childPath(key), problems);
    }

    /** Entries of a sequence of mappings, each with its index in the path (e.g. {@code columns[3]}). */
    public List<ConfigNode> objects(String key) {
        JsonNode value = raw(key);
        List<ConfigNode> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (!value.isArray()) {
            problem(key, "expected a list, got " + describe(value));
            return out;
        }
        for (int i = 0; i < value.size(); i++) {
            String itemPath = childPath(key) + "[" + i + "]";
            JsonNode item = value.get(i);
            if (!item.isObject()) {
                problems.add(itemPath, "expected a mapping, got " + describe(item));
                continue;
            }
            out.add(new ConfigNode(item, itemPath, problems));
        }
        return out;
    }

    /** A list of strings; a single scalar is accepted as a one-element list. */
    public List<String> strings(String key) {
        JsonNode value = raw(key);
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (value.isValueNode()) {
            out.add(value.asText());
            return out;
        }
        if (!value.isArray()) {
            problem(key, "expected a list of strings, got " + describe(value));
            return out;
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (item.isValueNode() && !item.isNull()) {
                out.add(item.asText());
            } else {
                problems.add(childPath(key) + "[" + i + "]", "expected a string, got " + describe(item));
            }
        }
        return out;
    }

    /** Whether the key holds a mapping (as opposed to a single value or a list). */
    public boolean isObject(String key) {
        JsonNode value = node.get(key);
        return value != null && value.isObject();
    }

    /** Whether the key holds a list. */
    public boolean isList(String key) {
        JsonNode value = node.get(key);
        return value != null && value.isArray();
    }

    public String string(String key, String defaultValue) {
        JsonNode value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isValueNode()) {
            problem(key, "expected a string, got " + describe(value));
            return defaultValue;
        }
        return value.asText();
    }

    public String requiredString(String key) {
        String value = string(key, null);
        if (value == null && !has(key)) {
            problem(key, "is required");
        } else if (value != null && value.isBlank()) {
            problem(key, "must not be empty");
            return null;
        }
        return value;
    }

    public boolean bool(String key, boolean defaultValue) {
        JsonNode value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        String text = value.asText().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        problem(key, "expected true or false, got " + describe(value));
        return defaultValue;
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        JsonNode value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = value.isIntegralNumber()
                    ? value.longValue()
                    : Long.parseLong(value.asText().trim());
        } catch (NumberFormatException e) {
            problem(key, "expected a whole number, got " + describe(value));
            return defaultValue;
        }
        if (parsed < min || parsed > max) {
            problem(key, "must be between " + min + " and " + max + ", got " + parsed);
            return defaultValue;
        }
        return parsed;
    }

    public int intValue(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    public double doubleValue(String key, double defaultValue, double min, double max) {
        JsonNode value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        double parsed;
        try {
            parsed = value.isNumber()
                    ? value.doubleValue()
                    : Double.parseDouble(value.asText().trim());
        } catch (NumberFormatException e) {
            problem(key, "expected a number, got " + describe(value));
            return defaultValue;
        }
        if (Double.isNaN(parsed) || parsed < min || parsed > max) {
            problem(key, "must be between " + min + " and " + max + ", got " + parsed);
            return defaultValue;
        }
        return parsed;
    }

    /** An enum constant matched case-insensitively against its lower-case name (e.g. {@code delta}). */
    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        String text = string(key, null);
        if (text == null) {
            return defaultValue;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(text.trim().replace('-', '_'))) {
                return constant;
            }
        }
        problem(key, "expected one of " + enumNames(type) + ", got '" + text + "'");
        return defaultValue;
    }

    public static <E extends Enum<E>> String enumNames(Class<E> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }

    /** A flat mapping of scalar values, in file order (e.g. extra Spark settings). */
    public Map<String, String> stringMap(String key) {
        JsonNode value = raw(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (!value.isObject()) {
            problem(key, "expected a mapping, got " + describe(value));
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isValueNode() && !field.getValue().isNull()) {
                out.put(field.getKey(), field.getValue().asText());
            } else {
                problems.add(
                        childPath(key) + "." + field.getKey(),
                        "expected a single value, got " + describe(field.getValue()));
            }
        }
        return out;
    }

    /** Reads a value through {@code parse}, which returns null for text it does not accept. */
    public <T> T parsed(String key, T defaultValue, String expected, Function<String, T> parse) {
        String text = string(key, null);
        if (text == null) {
            return defaultValue;
        }
        T value;
        try {
            value = parse.apply(text.trim());
        } catch (RuntimeException e) {
            value = null;
        }
        if (value == null) {
            problem(key, "expected " + expected + ", got '" + text + "'");
            return defaultValue;
        }
        return value;
    }

    /** The keys of this mapping in file order (none when absent); the caller reads each. */
    public Set<String> keys() {
        Set<String> out = new LinkedHashSet<>();
        if (node != null && node.isObject()) {
            node.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    /** Reports every key of this mapping that no reader asked for. */
    public void rejectUnknownKeys() {
        if (!node.isObject()) {
            return;
        }
        List<String> known = new ArrayList<>(readKeys);
        known.sort(null);
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!readKeys.contains(name)) {
                problems.add(childPath(name), "unknown field; expected one of " + String.join(", ", known));
            }
        }
    }

    private static String describe(JsonNode value) {
        if (value == null || value.isNull()) {
            return "nothing";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        return "'" + value.asText() + "'";
    }
}
