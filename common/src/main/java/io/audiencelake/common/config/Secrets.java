package io.audiencelake.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which settings are secrets, so that their values never reach {@code job_runs}, a log or a report. A key
 * is secret when its name says so (key, secret, password, token, credential), whatever the section.
 */
public final class Secrets {
    /** The linkage key the local environment file falls back to: public, so refused off a local master. */
    public static final String DEMO_LINKAGE_KEY = "local-sample-linkage-key";

    public static final String REDACTED = "<redacted>";
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(linkage_key|secret|password|passwd|token|credential|access[._-]?key|api[._-]?key|private[._-]?key).*");

    private Secrets() {}

    public static boolean secretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /**
     * A command line with the values of secret {@code --set key=value} overrides replaced by
     * {@value #REDACTED} ({@code --set k=v} and {@code --set=k=v} alike).
     */
    public static List<String> redactArguments(List<String> args) {
        List<String> out = new ArrayList<>();
        boolean nextIsOverride = false;
        for (String a : args) {
            if (nextIsOverride) {
                out.add(redactOverride(a));
                nextIsOverride = false;
            } else if (a.equals("--set")) {
                out.add(a);
                nextIsOverride = true;
            } else if (a.startsWith("--set=")) {
                out.add("--set=" + redactOverride(a.substring("--set=".length())));
            } else {
                out.add(a);
            }
        }
        return out;
    }

    private static String redactOverride(String override) {
        int eq = override.indexOf('=');
        return eq > 0 && secretKey(override.substring(0, eq).toLowerCase(Locale.ROOT))
                ? override.substring(0, eq + 1) + REDACTED
                : override;
    }
}
