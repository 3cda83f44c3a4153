package io.audiencelake.common.export;

import io.audiencelake.common.config.ConfigNode;

/**
 * The kinds of destination {@code destinations.yaml} may name under {@code kind:}, each with the reader of its
 * own fields. Adding a kind: a {@link DestinationWriter} with a {@code read} of its fields, and one constant here.
 */
public enum DestinationKind {
    /** A batch file drop to a folder or {@code s3a://} prefix: location, format, compression. */
    S3_FILE_DROP((d, id, context) -> FileDropWriter.read(d, id, context.exportsRoot())),

    /**
     * Adds and removes sent to a platform's API in batches: endpoint, payload (the platform's format), batch_size,
     * requests_per_second, max_attempts, backoff_ms, max_backoff_ms, timeout_seconds, token_env, audiences, cursor.
     */
    HTTP_BATCH(HttpBatchWriter::read);

    /** Reads a kind's own fields of one destination (problems recorded on the node) into its writer. */
    @FunctionalInterface
    interface Reader {
        DestinationWriter read(ConfigNode destination, String id, DestinationContext context);
    }

    private final Reader reader;

    DestinationKind(Reader reader) {
        this.reader = reader;
    }

    /** The writer of destination {@code id} from its YAML node, with what the running job provides. */
    public DestinationWriter writer(ConfigNode destination, String id, DestinationContext context) {
        return reader.read(destination, id, context);
    }
}
