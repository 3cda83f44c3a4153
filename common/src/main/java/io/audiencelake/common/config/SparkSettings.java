package io.audiencelake.common.config;

import java.util.Map;

/**
 * How the SparkSession is built.
 *
 * @param master used only when the launcher did not set one (spark-submit's --master wins)
 * @param conf any further Spark settings, passed through as given
 */
public record SparkSettings(
        String master, String appName, boolean ui, boolean consoleProgress, Map<String, String> conf) {
    public static final String APP_NAME_DEFAULT = "audiencelake";

    public SparkSettings {
        conf = Map.copyOf(conf);
    }
}
