package io.audiencelake.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Loads an environment file such as {@code conf/local.yaml} into an {@link AppConfig}. Relative
 * local paths are resolved against the folder of the file, so a config works from any directory.
 */
public final class AppConfigLoader {
    private final Function<String, String> environment;

    public AppConfigLoader() {
        this(System::getenv);
    }

    /** With a given environment, so tests need not touch the process's. */
    public AppConfigLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    public AppConfig load(Path file, List<String> overrides) {
        JsonNode tree = YamlDocument.read(file, environment);
        YamlDocument.applyOverrides(tree, overrides);
        ConfigProblems problems = new ConfigProblems(file.toString());
        ConfigNode root = new ConfigNode(tree, "", problems);
        Path base = file.toAbsolutePath().getParent();

        String env = root.string("environment", "local");
        SparkSettings spark = spark(root.object("spark"));
        DataPaths paths = paths(root.object("paths"), base);
        LakeSettings lake = lake(root.object("lake"), paths);
        S3Settings s3 = s3(root.object("s3"));
        Map<String, String> hadoop = root.stringMap("hadoop");
        GeneratorSettings generate = generate(root.object("generate"));
        Path contracts = base.resolve(root.string("feed_contracts", "feeds")).normalize();
        PrivacySettings privacy = privacy(root.object("privacy"));
        Path identity =
                base.resolve(root.string("identity_rules", "identity.yaml")).normalize();
        Path traits = base.resolve(root.string("traits", "traits.yaml")).normalize();
        Path segments = base.resolve(root.string("segments", "segments.yaml")).normalize();
        Path lookalike =
                base.resolve(root.string("lookalike", "lookalike.yaml")).normalize();
        Path destinations =
                base.resolve(root.string("destinations", "destinations.yaml")).normalize();
        OperationsSettings operations = operations(root.object("operations"), base);
        root.rejectUnknownKeys();
        problems.throwIfAny();
        return new AppConfig(
                file.toString(),
                env,
                spark,
                paths,
                lake,
                s3,
                hadoop,
                generate,
                contracts,
                privacy,
                identity,
                traits,
                segments,
                lookalike,
                destinations,
                operations);
    }

    private static PrivacySettings privacy(ConfigNode node) {
        PrivacySettings privacy = new PrivacySettings(
                node.string("linkage_key", ""), node.intValue("erasure_history_hours", 0, 0, 24 * 366));
        node.rejectUnknownKeys();
        return privacy;
    }

    private static OperationsSettings operations(ConfigNode node, Path base) {
        OperationsSettings operations = new OperationsSettings(
                base.resolve(node.string("quality", "quality.yaml")).normalize(),
                node.intValue("lock_stale_minutes", 5, 1, 24 * 60));
        if (node.has("lock_timeout_hours")) {
            node.problem(
                    "lock_timeout_hours",
                    "is replaced by lock_stale_minutes (default 5): a running job renews "
                            + "its lock, so a dead run's lock lapses in minutes");
        }
        node.rejectUnknownKeys();
        return operations;
    }

    private static SparkSettings spark(ConfigNode node) {
        SparkSettings s = new SparkSettings(
                node.string("master", null),
                node.string("app_name", SparkSettings.APP_NAME_DEFAULT),
                node.bool("ui", false),
                node.bool("console_progress", true),
                node.stringMap("conf"));
        node.rejectUnknownKeys();
        return s;
    }

    private static DataPaths paths(ConfigNode node, Path base) {
        String root = location(node, "root", null, base);
        if (root == null) {
            node.problem("root", "is required (a local folder or an s3a:// URI)");
            root = base.resolve("data").toString();
        }
        DataPaths p = new DataPaths(
                root,
                location(node, "landing", DataPaths.join(root, "landing"), base),
                location(node, "warehouse", DataPaths.join(root, "warehouse"), base),
                location(node, "exports", DataPaths.join(root, "exports"), base),
                location(node, "reports", DataPaths.join(root, "reports"), base),
                location(node, "ground_truth", DataPaths.join(root, "ground-truth"), base));
        node.rejectUnknownKeys();
        return p;
    }

    /** A local path made absolute against {@code base}, or a URI with a scheme kept as given. */
    private static String location(ConfigNode node, String key, String defaultValue, Path base) {
        return node.parsed(key, defaultValue, "a local path or a URI such as s3a://bucket/prefix", text -> {
            if (text.isEmpty()) {
                return null;
            }
            if (text.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
                URI uri = URI.create(text);
                return uri.getScheme().equals("file") ? Path.of(uri).toString() : stripSlash(text);
            }
            return base.resolve(text).normalize().toString();
        });
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static LakeSettings lake(ConfigNode node, DataPaths paths) {
        TableFormat format = node.enumValue("table_format", TableFormat.class, LakeSettings.TABLE_FORMAT_DEFAULT);
        String namespace = node.parsed(
                "namespace",
                LakeSettings.NAMESPACE_DEFAULT,
                "a name of lower-case letters, digits and _",
                t -> t.matches("[a-z][a-z0-9_]*") ? t : null);
        String owner = node.string("owner", "audience-platform");
        ConfigNode iceberg = node.object("iceberg");
        String catalog = iceberg.parsed(
                "catalog",
                LakeSettings.ICEBERG_CATALOG_DEFAULT,
                "a catalog name of letters, digits and _ other than spark_catalog",
                t -> t.matches("[A-Za-z_][A-Za-z0-9_]*") && !t.equals("spark_catalog") ? t : null);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("type", "hadoop");
        props.put("warehouse", DataPaths.join(paths.warehouse(), "iceberg"));
        props.putAll(iceberg.stringMap("properties"));
        iceberg.rejectUnknownKeys();
        ConfigNode delta = node.object("delta");
        String deltaLocation = delta.string("location", DataPaths.join(paths.warehouse(), "delta"));
        delta.rejectUnknownKeys();
        node.rejectUnknownKeys();
        return new LakeSettings(format, namespace, owner, catalog, props, deltaLocation);
    }

    private static S3Settings s3(ConfigNode node) {
        String endpoint = node.string("endpoint", "");
        if (!endpoint.isEmpty() && !endpoint.matches("^https?://.+")) {
            node.problem("endpoint", "expected an http:// or https:// URL, got '" + endpoint + "'");
        }
        String provider = node.string("credentials_provider", S3Settings.CREDENTIALS_DEFAULT);
        S3Settings s = new S3Settings(
                endpoint,
                node.string("region", S3Settings.REGION_DEFAULT),
                node.bool("path_style_access", false),
                node.bool("ssl", true),
                provider);
        if (node.has("access_key") || node.has("secret_key")) {
            node.problem(
                    null,
                    "keys must not be written in config files; use credentials_provider: environment "
                            + "(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) or the Hadoop credential chain");
        }
        node.string("access_key", null);
        node.string("secret_key", null);
        node.rejectUnknownKeys();
        return s;
    }

    private static GeneratorSettings generate(ConfigNode node) {
        GeneratorSettings g = new GeneratorSettings(
                node.longValue("seed", GeneratorSettings.SEED_DEFAULT, Long.MIN_VALUE, Long.MAX_VALUE),
                node.doubleValue("scale", GeneratorSettings.SCALE_DEFAULT, 0.01, 100_000),
                node.intValue("days", GeneratorSettings.DAYS_DEFAULT, 1, 366),
                new GeneratorBehaviour(
                        people(node.object("people")),
                        devices(node.object("devices")),
                        thirdParty(node.object("third_party"))));
        node.rejectUnknownKeys();
        return g;
    }

    private static GeneratorBehaviour.People people(ConfigNode node) {
        GeneratorBehaviour.People d = GeneratorBehaviour.People.DEFAULTS;
        GeneratorBehaviour.People p = new GeneratorBehaviour.People(
                node.doubleValue("new_household_chance", d.newHouseholdChance(), 0, 1),
                node.doubleValue("family_login_share", d.familyLoginShare(), 0, 1),
                node.doubleValue("office_worker_share", d.officeWorkerShare(), 0, 1),
                node.intValue("people_per_office", d.peoplePerOffice(), 1, 1_000_000),
                node.doubleValue("ipv6_home_share", d.ipv6HomeShare(), 0, 1),
                node.intValue("interests_min", d.interestsMin(), 1, 20),
                node.intValue("interests_max", d.interestsMax(), 1, 20),
                node.doubleValue("interest_focus", d.interestFocus(), 0, 1),
                node.doubleValue("household_interest_share", d.householdInterestShare(), 0, 1),
                node.doubleValue("peak_hour_mean", d.peakHourMean(), 0, 23),
                node.doubleValue("peak_hour_sd", d.peakHourSd(), 0, 24),
                node.doubleValue("engagement_median", d.engagementMedian(), 0.01, 1),
                node.doubleValue("engagement_spread", d.engagementSpread(), 0, 5));
        requireOrdered(node, "interests_min", p.interestsMin(), "interests_max", p.interestsMax());
        node.rejectUnknownKeys();
        return p;
    }

    private static GeneratorBehaviour.Devices devices(ConfigNode node) {
        GeneratorBehaviour.Devices d = GeneratorBehaviour.Devices.DEFAULTS;
        List<Double> perPerson = node.has("per_person") ? perPerson(node, d.perPerson()) : d.perPerson();
        Map<String, Double> kinds = node.has("kinds") ? kinds(node, d.kinds()) : d.kinds();
        GeneratorBehaviour.Devices out = new GeneratorBehaviour.Devices(
                perPerson,
                kinds,
                node.doubleValue("apple_share", d.appleShare(), 0, 1),
                node.doubleValue("platform_affinity", d.platformAffinity(), 0, 1),
                node.intValue("safari_cookie_days", d.safariCookieDays(), 1, 3650),
                node.intValue("cookie_days_min", d.cookieDaysMin(), 1, 3650),
                node.intValue("cookie_days_max", d.cookieDaysMax(), 1, 3650),
                node.doubleValue("cookie_clearing_share", d.cookieClearingShare(), 0, 1),
                node.doubleValue("office_network_share", d.officeNetworkShare(), 0, 1),
                node.doubleValue("phone_office_share", d.phoneOfficeShare(), 0, 1),
                node.doubleValue("public_wifi_share", d.publicWifiShare(), 0, 1),
                node.intValue("people_per_hotspot", d.peoplePerHotspot(), 1, 1_000_000),
                node.doubleValue("carrier_share", d.carrierShare(), 0, 1),
                node.doubleValue("device_switch_share", d.deviceSwitchShare(), 0, 1),
                node.doubleValue("app_login_share", d.appLoginShare(), 0, 1),
                node.doubleValue("web_login_share", d.webLoginShare(), 0, 1),
                node.doubleValue("tablet_activity", d.tabletActivity(), 0, 1),
                node.doubleValue("late_event_share", d.lateEventShare(), 0, 1));
        requireOrdered(node, "cookie_days_min", out.cookieDaysMin(), "cookie_days_max", out.cookieDaysMax());
        node.rejectUnknownKeys();
        return out;
    }

    private static GeneratorBehaviour.ThirdParty thirdParty(ConfigNode node) {
        GeneratorBehaviour.ThirdParty d = GeneratorBehaviour.ThirdParty.DEFAULTS;
        GeneratorBehaviour.ThirdParty out = new GeneratorBehaviour.ThirdParty(
                node.doubleValue("web_coverage", d.webCoverage(), 0, 1),
                node.doubleValue("app_coverage", d.appCoverage(), 0, 1),
                node.doubleValue("interest_threshold", d.interestThreshold(), 0, 1),
                node.doubleValue("interest_recall", d.interestRecall(), 0, 1),
                node.doubleValue("noise_segment_chance", d.noiseSegmentChance(), 0, 1),
                node.doubleValue("age_accuracy", d.ageAccuracy(), 0, 1),
                node.doubleValue("gender_accuracy", d.genderAccuracy(), 0, 1));
        node.rejectUnknownKeys();
        return out;
    }

    /** Records a problem at {@code minName} when a range's lower end is above its upper end. */
    private static void requireOrdered(ConfigNode node, String minName, int min, String maxName, int max) {
        if (min > max) {
            node.problem(minName, "must be at most " + maxName + " (" + max + "), cannot be: " + min);
        }
    }

    /** {@code per_person}: shares of people with 1, 2, ... devices; the default when it is bad (recorded). */
    private static List<Double> perPerson(ConfigNode node, List<Double> fallback) {
        List<String> texts = node.strings("per_person");
        List<Double> parsed = texts.stream().map(AppConfigLoader::share).toList();
        if (texts.isEmpty()
                || parsed.contains(null)
                || parsed.stream().mapToDouble(x -> x).sum() <= 0) {
            node.problem(
                    "per_person",
                    "expected a list of shares of people with 1, 2, ... devices (numbers of at least 0, one above 0),"
                            + " got " + texts);
            return fallback;
        }
        return parsed;
    }

    /** {@code kinds}: a share per device kind; the default when any is bad (each recorded). */
    private static Map<String, Double> kinds(ConfigNode node, Map<String, Double> fallback) {
        Map<String, Double> parsed = new LinkedHashMap<>();
        boolean bad = false;
        for (Map.Entry<String, String> e : node.stringMap("kinds").entrySet()) {
            Double v = share(e.getValue());
            if (!GeneratorBehaviour.DEVICE_KINDS.contains(e.getKey())) {
                node.problem(
                        "kinds." + e.getKey(),
                        "unknown device kind; expected one of " + String.join(", ", GeneratorBehaviour.DEVICE_KINDS));
                bad = true;
            } else if (v == null) {
                node.problem("kinds." + e.getKey(), "expected a share of at least 0, got '" + e.getValue() + "'");
                bad = true;
            } else {
                parsed.put(e.getKey(), v);
            }
        }
        if (!bad && parsed.values().stream().mapToDouble(x -> x).sum() <= 0) {
            node.problem("kinds", "expected at least one device kind with a share above 0");
            return fallback;
        }
        return bad ? fallback : parsed;
    }

    /** A relative share: a finite number of at least 0, or null. */
    private static Double share(String text) {
        try {
            double v = Double.parseDouble(text.trim());
            return Double.isFinite(v) && v >= 0 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
