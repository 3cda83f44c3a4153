package io.audiencelake.common.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        return Files.writeString(conf.resolve("env.yaml"), yaml);
    }

    private AppConfig load(String yaml, String... overrides) throws IOException {
        return new AppConfigLoader(Map.of("DATA_HOME", "/srv/data")::get).load(write(yaml), List.of(overrides));
    }

    private ConfigException refused(String yaml, String... overrides) {
        return assertThrows(ConfigException.class, () -> load(yaml, overrides));
    }

    @Test
    void relativeRootIsResolvedAgainstTheConfigFolderAndEverythingDefaultsUnderIt() throws IOException {
        AppConfig c = load("paths:\n  root: ../local-data\n");
        String root = dir.resolve("local-data").toString();
        assertEquals(root, c.paths().root());
        assertEquals(root + "/landing", c.paths().landing());
        assertEquals(root + "/warehouse", c.paths().warehouse());
        assertEquals(root + "/exports", c.paths().exports());
        assertEquals(root + "/reports", c.paths().reports());
        assertEquals(root + "/warehouse/delta", c.lake().deltaLocation());
        assertEquals(
                root + "/warehouse/iceberg", c.lake().icebergCatalogProperties().get("warehouse"));
        assertEquals(TableFormat.DELTA, c.lake().tableFormat());
        assertEquals(GeneratorSettings.SEED_DEFAULT, c.generate().seed());
    }

    @Test
    void s3RootKeepsItsSchemeAndEnvironmentVariablesAreSubstituted() throws IOException {
        AppConfig c = load("paths:\n  root: s3a://bucket/al/\n  landing: ${DATA_HOME}/landing\n"
                + "  reports: ${UNSET_VAR:-/tmp/reports}\n");
        assertEquals("s3a://bucket/al", c.paths().root());
        assertEquals("s3a://bucket/al/warehouse", c.paths().warehouse());
        assertEquals("/srv/data/landing", c.paths().landing());
        assertEquals("/tmp/reports", c.paths().reports());
    }

    @Test
    void overridesFromTheCommandLineWinAndAreTyped() throws IOException {
        AppConfig c = load(
                "paths:\n  root: /d\nlake:\n  table_format: delta\n",
                "lake.table_format=iceberg",
                "generate.scale=10",
                "spark.conf[spark.sql.shuffle.partitions]=4",
                "hadoop[fs.s3a.connection.maximum]=200");
        assertEquals(TableFormat.ICEBERG, c.lake().tableFormat());
        assertEquals(10.0, c.generate().scale());
        assertEquals(Map.of("spark.sql.shuffle.partitions", "4"), c.spark().conf());
        assertEquals(Map.of("fs.s3a.connection.maximum", "200"), c.hadoop());
    }

    @Test
    void everyProblemIsReportedWithFileFieldAndExpectation() throws IOException {
        ConfigException e = refused(String.join(
                "\n",
                "paths:",
                "  root: /d",
                "lake:",
                "  table_format: parquet",
                "  namespace: Bad-Name",
                "generate:",
                "  scale: -1",
                "  days: many",
                "spark:",
                "  ui: maybe",
                "tabel: 1",
                ""));
        String file = dir.resolve("conf/env.yaml").toString();
        List<String> p = e.problems();
        assertTrue(
                p.contains(file + ": lake.table_format: expected one of delta, iceberg, got 'parquet'"), p::toString);
        assertTrue(
                p.contains(
                        file + ": lake.namespace: expected a name of lower-case letters, digits and _, got 'Bad-Name'"),
                p::toString);
        assertTrue(p.contains(file + ": generate.scale: must be between 0.01 and 100000.0, got -1.0"), p::toString);
        assertTrue(p.contains(file + ": generate.days: expected a whole number, got 'many'"), p::toString);
        assertTrue(p.contains(file + ": spark.ui: expected true or false, got 'maybe'"), p::toString);
        assertTrue(
                p.stream().anyMatch(s -> s.startsWith(file + ": tabel: unknown field; expected one of ")), p::toString);
        assertEquals(6, p.size(), p::toString);
    }

    @Test
    void generatorBehaviourIsTypedDefaultedAndEveryBadValueNamed() throws IOException {
        AppConfig c = load(String.join(
                "\n",
                "paths:",
                "  root: /d",
                "generate:",
                "  people:",
                "    office_worker_share: 0.4",
                "  devices:",
                "    per_person: [1, 1]",
                "    kinds: {mobile_app: 1}",
                "    safari_cookie_days: 1",
                "  third_party:",
                "    interest_recall: 0.3",
                ""));
        GeneratorBehaviour b = c.generate().behaviour();
        assertEquals(0.3, b.thirdParty().interestRecall());
        assertEquals(
                GeneratorBehaviour.ThirdParty.DEFAULTS.webCoverage(),
                b.thirdParty().webCoverage());
        assertEquals(0.4, b.people().officeWorkerShare());
        assertEquals(
                GeneratorBehaviour.People.DEFAULTS.familyLoginShare(),
                b.people().familyLoginShare());
        assertEquals(List.of(1.0, 1.0), b.devices().perPerson());
        assertArrayEquals(new double[] {0, 0, 0, 1}, b.devices().kindWeights());
        assertEquals(1, b.devices().safariCookieDays());
        assertEquals(
                GeneratorBehaviour.DEFAULTS,
                load("paths:\n  root: /d\n").generate().behaviour());

        List<String> p = refused(String.join(
                        "\n",
                        "paths:",
                        "  root: /d",
                        "generate:",
                        "  people:",
                        "    interests_min: 5",
                        "    interests_max: 3",
                        "    houshold: 2",
                        "  devices:",
                        "    per_person: [0.5, lots]",
                        "    kinds: {laptop: 0.2, mobile_web: -1}",
                        "    carrier_share: 1.5",
                        "    cookie_days_min: 100",
                        "    cookie_days_max: 30",
                        "  third_party:",
                        "    gender_accuracy: 2",
                        ""))
                .problems();
        String file = dir.resolve("conf/env.yaml").toString() + ": generate.";
        assertTrue(
                p.contains(file + "people.interests_min: must be at most interests_max (3), cannot be: 5"),
                p::toString);
        assertTrue(p.stream().anyMatch(s -> s.startsWith(file + "people.houshold: unknown field")), p::toString);
        assertTrue(
                p.stream().anyMatch(s -> s.startsWith(file + "devices.per_person: expected a list of shares")),
                p::toString);
        assertTrue(
                p.stream().anyMatch(s -> s.startsWith(file + "devices.kinds.laptop: unknown device kind")),
                p::toString);
        assertTrue(
                p.stream().anyMatch(s -> s.startsWith(file + "third_party.gender_accuracy: must be between 0")),
                p::toString);
        assertTrue(
                p.contains(file + "devices.kinds.mobile_web: expected a share of at least 0, got '-1'"), p::toString);
        assertTrue(p.contains(file + "devices.carrier_share: must be between 0.0 and 1.0, got 1.5"), p::toString);
        assertTrue(
                p.contains(file + "devices.cookie_days_min: must be at most cookie_days_max (30), cannot be: 100"),
                p::toString);
        assertEquals(8, p.size(), p::toString);
    }

    @Test
    void missingRootAndWrongShapesAreRefused() {
        List<String> p = refused("paths: {}\nlake: [1, 2]\n").problems();
        assertTrue(
                p.stream().anyMatch(s -> s.endsWith("paths.root: is required (a local folder or an s3a:// URI)")),
                p::toString);
        assertTrue(p.stream().anyMatch(s -> s.endsWith("lake: expected a mapping, got a list")), p::toString);
    }

    @Test
    void keysInTheFileAreRefusedSoSecretsStayOutOfGit() {
        List<String> p = refused("paths:\n  root: /d\ns3:\n  access_key: AKIA\n  secret_key: x\n")
                .problems();
        assertTrue(p.stream().anyMatch(s -> s.contains("s3: keys must not be written in config files")), p::toString);
    }

    @Test
    void unsetEnvironmentVariableWithoutDefaultIsNamed() {
        ConfigException e = refused("paths:\n  root: ${NOPE}\n");
        assertTrue(
                e.getMessage().contains("paths.root: environment variable NOPE is not set and has no default"),
                e.getMessage());
    }

    @Test
    void badYamlAndMissingFileNameTheFile() throws IOException {
        ConfigException bad = refused("paths: [unclosed\n");
        assertTrue(
                bad.getMessage().startsWith(dir.resolve("conf/env.yaml") + ": not valid YAML at line"),
                bad.getMessage());
        ConfigException missing = assertThrows(
                ConfigException.class, () -> new AppConfigLoader().load(dir.resolve("nope.yaml"), List.of()));
        assertEquals(dir.resolve("nope.yaml") + ": file not found", missing.getMessage());
    }

    @Test
    void malformedOverrideIsRefused() {
        ConfigException e = refused("paths:\n  root: /d\n", "lake.table_format");
        assertEquals("--set lake.table_format: expected key.path=value", e.getMessage());
        ConfigException through = refused("paths:\n  root: /d\n", "paths.root.x=1");
        assertEquals("--set paths.root.x=1: 'root' is not a mapping", through.getMessage());
    }

    @Test
    void shippedConfigsLoad() {
        Path conf = Path.of(System.getProperty("user.dir")).getParent().resolve("conf");
        AppConfig local = new AppConfigLoader(name -> null).load(conf.resolve("local.yaml"), List.of());
        assertEquals(
                conf.getParent().resolve("local-data").toString(), local.paths().root());
        assertTrue(local.privacy().linkageKey().length() > 0);
        assertEquals(conf.resolve("identity.yaml"), local.identityRules());
        AppConfig cluster = new AppConfigLoader(
                        Map.of("AUDIENCELAKE_BUCKET", "acme-dmp", "AUDIENCELAKE_LINKAGE_KEY", "s3cr3t-linkage")::get)
                .load(conf.resolve("cluster-example.yaml"), List.of());
        assertEquals("s3cr3t-linkage", cluster.privacy().linkageKey());
        assertFalse(cluster.toString().contains("s3cr3t-linkage"), "the key is never printed");
        assertTrue(
                cluster.paths().landing().startsWith("s3a://acme-dmp/"),
                cluster.paths().landing());
        assertNull(cluster.spark().master());
    }
}
