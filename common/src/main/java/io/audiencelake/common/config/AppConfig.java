package io.audiencelake.common.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * One environment's configuration, loaded and validated by {@link AppConfigLoader}.
 *
 * @param source the file it came from, for messages
 * @param hadoop further Hadoop settings (e.g. {@code fs.s3a.connection.maximum}), passed through
 * @param feedContracts the folder of feed contracts ({@code <feed>.yaml} each)
 * @param identityRules the identity job's rules file
 * @param traits the profiles job's trait definitions file
 * @param segments the segments job's definitions file
 * @param lookalike the lookalike job's model definitions file
 * @param destinations the export job's destinations file
 * @param operations quality checks and job locks
 */
public record AppConfig(
        String source,
        String environment,
        SparkSettings spark,
        DataPaths paths,
        LakeSettings lake,
        S3Settings s3,
        Map<String, String> hadoop,
        GeneratorSettings generate,
        Path feedContracts,
        PrivacySettings privacy,
        Path identityRules,
        Path traits,
        Path segments,
        Path lookalike,
        Path destinations,
        OperationsSettings operations) {

    public AppConfig {
        hadoop = Map.copyOf(hadoop);
    }

    public AppConfig withLake(LakeSettings newLake) {
        return new AppConfig(
                source,
                environment,
                spark,
                paths,
                newLake,
                s3,
                hadoop,
                generate,
                feedContracts,
                privacy,
                identityRules,
                traits,
                segments,
                lookalike,
                destinations,
                operations);
    }
}
