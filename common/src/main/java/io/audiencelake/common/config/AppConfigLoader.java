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
                node.intValue("days", GeneratorSettings.DAYS_DEFAULT, 1, 366));
        node.rejectUnknownKeys();
        return g;
    }
}
