package io.audiencelake.common.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a YAML file into a tree, substitutes {@code ${VAR}} and {@code ${VAR:-default}} from the
 * environment (so secrets and machine paths stay out of committed files) and applies
 * {@code --set key.path=value} overrides from the command line.
 */
public final class YamlDocument {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    /**
     * The environment of a rule file (feed contracts, traits, segments, lookalike models, destinations,
     * quality checks): none. Their values reach tables and reports (a segment's name is in segment_stats), so a
     * {@code ${VAR}} in them could carry a secret there; variables belong in the environment file.
     */
    public static final Function<String, String> NO_VARIABLES = name -> {
        throw new IllegalStateException("rule files expand no variables");
    };

    private YamlDocument() {}

    /** Parses {@code file}; a missing file or bad YAML is a {@link ConfigException} naming the file. */
    public static JsonNode read(Path file, Function<String, String> environment) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": file not found");
        }
        JsonNode tree;
        try {
            tree = YAML.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            String where =
                    e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ConfigException(file + ": not valid YAML" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            tree = YAML.createObjectNode();
        }
        if (!tree.isObject()) {
            throw new ConfigException(file + ": (top level): expected a mapping");
        }
        ConfigProblems problems = new ConfigProblems(file.toString());
        JsonNode substituted = substitute(tree, "", environment, problems);
        problems.throwIfAny();
        return substituted;
    }

    /** Parses YAML text (used for {@code --set} values, so {@code 10} is a number and {@code true} a boolean). */
    static JsonNode scalar(String text) {
        try {
            JsonNode node = YAML.readTree(text);
            return node == null || node.isMissingNode() ? TextNode.valueOf(text) : node;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }

    /**
     * Applies {@code key.path=value} overrides in order. Intermediate mappings are created;
     * overriding through a value that is not a mapping is refused with the override named.
     */
    public static void applyOverrides(JsonNode tree, List<String> overrides) {
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set " + override + ": expected key.path=value");
            }
            String[] keys = keyPath(override.substring(0, eq).trim(), override);
            JsonNode value = scalar(override.substring(eq + 1));
            ObjectNode at = (ObjectNode) tree;
            for (int i = 0; i < keys.length - 1; i++) {
                JsonNode next = at.get(keys[i]);
                if (next == null || next.isNull()) {
                    next = at.putObject(keys[i]);
                } else if (!next.isObject()) {
                    throw new ConfigException("--set " + override + ": '" + keys[i] + "' is not a mapping");
                }
                at = (ObjectNode) next;
            }
            at.set(keys[keys.length - 1], value);
        }
    }

    /**
     * Splits {@code a.b[c.d]} into {@code a}, {@code b}, {@code c.d}: brackets hold a key that has dots
     * itself, as Spark and Hadoop setting names do ({@code spark.conf[spark.sql.shuffle.partitions]=4}).
     */
    static String[] keyPath(String text, String override) {
        List<String> keys = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int end;
            if (text.charAt(i) == '[') {
                end = text.indexOf(']', i);
                if (end < 0) {
                    throw new ConfigException("--set " + override + ": unclosed [");
                }
                keys.add(text.substring(i + 1, end));
                end++;
            } else {
                end = i;
                while (end < text.length() && text.charAt(end) != '.' && text.charAt(end) != '[') {
                    end++;
                }
                keys.add(text.substring(i, end));
            }
            if (end < text.length() && text.charAt(end) == '.') {
                end++;
            }
            i = end;
        }
        if (keys.isEmpty() || keys.stream().anyMatch(String::isEmpty)) {
            throw new ConfigException("--set " + override + ": expected key.path=value");
        }
        return keys.toArray(String[]::new);
    }

    private static JsonNode substitute(
            JsonNode node, String path, Function<String, String> env, ConfigProblems problems) {
        if (node.isTextual()) {
            return TextNode.valueOf(expand(node.asText(), path, env, problems));
        }
        if (node.isObject()) {
            ObjectNode copy = YAML.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                String childPath = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
                copy.set(f.getKey(), substitute(f.getValue(), childPath, env, problems));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = YAML.createArrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(substitute(node.get(i), path + "[" + i + "]", env, problems));
            }
            return copy;
        }
        return node;
    }

    private static String expand(String text, String path, Function<String, String> env, ConfigProblems problems) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        if (env == NO_VARIABLES) {
            while (m.find()) {
                problems.add(
                        path,
                        "${" + m.group(1) + "}: variables are expanded only in the environment file (e.g. "
                                + "conf/local.yaml), not in rule files, whose values reach tables and reports");
            }
            return text;
        }
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null || value.isEmpty()) {
                value = m.group(2);
            }
            if (value == null) {
                problems.add(path, "environment variable " + m.group(1) + " is not set and has no default");
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
