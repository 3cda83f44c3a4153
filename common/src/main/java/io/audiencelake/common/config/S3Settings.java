package io.audiencelake.common.config;

/**
 * S3A settings. Keys never appear here: they come from the environment or the Hadoop credential
 * chain, selected by {@code credentialsProvider}.
 *
 * @param endpoint empty for AWS itself; {@code http://127.0.0.1:PORT} for a local S3 server
 * @param credentialsProvider {@code default} (S3A's own chain), {@code environment} (AWS_ACCESS_KEY_ID /
 *     AWS_SECRET_ACCESS_KEY) or a provider class name
 */
public record S3Settings(
        String endpoint, String region, boolean pathStyleAccess, boolean sslEnabled, String credentialsProvider) {
    public static final String REGION_DEFAULT = "us-east-1";
    public static final String CREDENTIALS_DEFAULT = "default";
    public static final String ENVIRONMENT_PROVIDER =
            "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider";
}
