package io.audiencelake.common.feeds;

import java.util.Iterator;
import java.util.Locale;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Device type, operating system and browser from user-agent strings, with Yauaa (a maintained
 * rule-based analyser that also recognises crawlers). User agents repeat heavily, so only the
 * distinct ones are parsed (one analyser per executor JVM) and the result is joined back.
 */
public final class UserAgentParser {
    public static final String USER_AGENT = "user_agent";
    public static final String DEVICE_TYPE = "device_type";
    public static final String OS = "os";
    public static final String BROWSER = "browser";
    public static final String IS_ROBOT = "is_robot";
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField(USER_AGENT, DataTypes.StringType, false),
        DataTypes.createStructField(DEVICE_TYPE, DataTypes.StringType, true),
        DataTypes.createStructField(OS, DataTypes.StringType, true),
        DataTypes.createStructField(BROWSER, DataTypes.StringType, true),
        DataTypes.createStructField(IS_ROBOT, DataTypes.BooleanType, false)
    });

    private UserAgentParser() {}

    /** Building the analyser loads its rules (a second or two): once per JVM. */
    private static final class Analyser {
        static final UserAgentAnalyzer INSTANCE = UserAgentAnalyzer.newBuilder()
                .hideMatcherLoadStats()
                .withField(UserAgent.DEVICE_CLASS)
                .withField(UserAgent.OPERATING_SYSTEM_NAME)
                .withField(UserAgent.AGENT_NAME)
                .withCache(10_000)
                .build();
    }

    /** One row per distinct user agent of {@code userAgents} (a one-column Dataset of strings). */
    public static Dataset<Row> parse(Dataset<Row> userAgents) {
        return userAgents
                .where(userAgents.col(userAgents.columns()[0]).isNotNull())
                .distinct()
                .mapPartitions((MapPartitionsFunction<Row, Row>) UserAgentParser::parseAll, Encoders.row(SCHEMA));
    }

    private static Iterator<Row> parseAll(Iterator<Row> rows) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                return parseOne(rows.next().getString(0));
            }
        };
    }

    static Row parseOne(String ua) {
        UserAgent parsed = Analyser.INSTANCE.parse(ua);
        String deviceClass = known(parsed.getValue(UserAgent.DEVICE_CLASS));
        boolean robot = deviceClass != null
                && (deviceClass.contains("robot") || deviceClass.contains("spy") || deviceClass.contains("hacker"));
        return new GenericRowWithSchema(
                new Object[] {
                    ua,
                    deviceClass,
                    known(parsed.getValue(UserAgent.OPERATING_SYSTEM_NAME)),
                    known(parsed.getValue(UserAgent.AGENT_NAME)),
                    robot
                },
                SCHEMA);
    }

    private static String known(String value) {
        if (value == null || value.isEmpty() || value.startsWith("??") || value.equalsIgnoreCase("unknown")) {
            return null;
        }
        return value.toLowerCase(Locale.ROOT).replace(' ', '_');
    }
}
