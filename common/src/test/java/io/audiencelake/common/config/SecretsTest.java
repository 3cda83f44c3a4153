package io.audiencelake.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.profiles.ProfileRulesLoader;
import io.audiencelake.common.segments.SegmentDefinitionsLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
    @TempDir
    Path dir;

    @Test
    void secretOverridesAreRedactedFromRecordedCommandLines() {
        assertEquals(
                List.of(
                        "ingest",
                        "-d",
                        "2025-05-02",
                        "--set",
                        "privacy.linkage_key=<redacted>",
                        "--set",
                        "lake.table_format=iceberg",
                        "--set=spark.conf[spark.hadoop.fs.s3a.secret.key]=<redacted>",
                        "--set",
                        "s3.access_key=<redacted>"),
                Secrets.redactArguments(List.of(
                        "ingest",
                        "-d",
                        "2025-05-02",
                        "--set",
                        "privacy.linkage_key=hunter2",
                        "--set",
                        "lake.table_format=iceberg",
                        "--set=spark.conf[spark.hadoop.fs.s3a.secret.key]=abc",
                        "--set",
                        "s3.access_key=AKIA123")));
    }

    @Test
    void ruleFilesExpandNoEnvironmentVariables() throws IOException {
        Path segments = Files.writeString(
                dir.resolve("segments.yaml"),
                String.join(
                        "\n",
                        "segments:",
                        "  - name: ${AWS_SECRET_ACCESS_KEY:-x}",
                        "    rule: \"page_views_30d >= 1\"",
                        ""));
        Path conf = Path.of(System.getProperty("user.dir")).getParent().resolve("conf");
        var contracts = FeedContracts.load(conf.resolve("feeds")).values();
        var traits = ProfileRulesLoader.load(conf.resolve("traits.yaml"), contracts);
        ConfigException e =
                assertThrows(ConfigException.class, () -> SegmentDefinitionsLoader.load(segments, traits, contracts));
        assertTrue(
                e.getMessage()
                        .contains("segments[0].name: ${AWS_SECRET_ACCESS_KEY}: variables are expanded only in the "
                                + "environment file"),
                e.getMessage());
    }
}
