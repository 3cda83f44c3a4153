package io.audiencelake.common.feeds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The regular expression of a {@code format: regex} feed: each named group is a column. Java group names
 * allow only letters and digits, so a group names a column the way headers do, without case or separators
 * ({@code (?<useragent>...)} fills {@code user_agent}). A line must match as a whole.
 *
 * <p>Spark evaluates the expression once per line ({@code regexp_replace} into the groups), with Java's engine;
 * write it with possessive quantifiers or negated classes ({@code [^"]*+}, {@code \S++}): a backtracking
 * group repeated over a long line can overflow the stack, and {@code max_line_bytes} bounds every line.
 */
public final class LinePattern {
    private final String regex;
    private final Map<String, Integer> groupOfColumn;

    private LinePattern(String regex, Map<String, Integer> groupOfColumn) {
        this.regex = regex;
        this.groupOfColumn = groupOfColumn;
    }

    /**
     * Checks {@code regex} and maps its named groups to {@code columns}; throws IllegalArgumentException saying
     * what is wrong (syntax, a group that names no column, two groups for one column, no named group).
     */
    public static LinePattern compile(String regex, List<String> columns) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "not a regular expression: " + e.getDescription() + " near position " + e.getIndex());
        }
        Map<String, String> byCanonical = new LinkedHashMap<>();
        columns.forEach(c -> byCanonical.put(FeedParser.canonical(c), c));
        Map<String, Integer> out = new LinkedHashMap<>();
        List<String> groups = capturingGroups(regex);
        for (int i = 0; i < groups.size(); i++) {
            String name = groups.get(i);
            if (name == null) {
                continue;
            }
            String column = byCanonical.get(FeedParser.canonical(name));
            if (column == null) {
                throw new IllegalArgumentException("group '" + name + "' names no column of the contract " + columns);
            }
            if (out.putIfAbsent(column, i + 1) != null) {
                throw new IllegalArgumentException("two groups fill column '" + column + "'");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no named group: name a group per column, e.g. (?<ip>\\S++)");
        }
        return new LinePattern(regex, out);
    }

    /**
     * The capturing groups in order, each with its name (null for an unnamed one). Counts every {@code (} that
     * is not escaped, not inside a character class and not a non-capturing construct ({@code (?:}, look-arounds,
     * flags), as Java numbers groups.
     */
    static List<String> capturingGroups(String regex) {
        List<String> out = new ArrayList<>();
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                if (i + 1 < regex.length() && regex.charAt(i + 1) == 'Q') {
                    int end = regex.indexOf("\\E", i + 2);
                    i = end < 0 ? regex.length() : end + 1;
                } else {
                    i++;
                }
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
                // A ']' right after '[' or '[^' is a literal member of the class.
                if (i + 1 < regex.length() && regex.charAt(i + 1) == '^') {
                    i++;
                }
                if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
                    i++;
                }
            } else if (c == '(') {
                if (i + 1 < regex.length() && regex.charAt(i + 1) == '?') {
                    if (i + 2 < regex.length()
                            && regex.charAt(i + 2) == '<'
                            && i + 3 < regex.length()
                            && Character.isLetter(regex.charAt(i + 3))) {
                        int end = regex.indexOf('>', i + 3);
                        out.add(regex.substring(i + 3, end));
                    }
                } else {
                    out.add(null);
                }
            }
        }
        return out;
    }

    /** The expression a whole line must match. */
    public String wholeLine() {
        return "^(?:" + regex + ")$";
    }

    /** The group (1-based) that fills {@code column}, or 0 when none does. */
    public int group(String column) {
        return groupOfColumn.getOrDefault(column, 0);
    }

    /** Of {@code columns}, those no group fills. */
    public List<String> missing(List<String> columns) {
        return columns.stream().filter(c -> !groupOfColumn.containsKey(c)).toList();
    }

    @Override
    public String toString() {
        return regex;
    }
}
