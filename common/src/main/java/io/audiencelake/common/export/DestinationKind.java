package io.audiencelake.common.export;

import io.audiencelake.common.config.ConfigNode;

/**
 * The kinds of destination {@code destinations.yaml} may name under {@code kind:}, each with the reader of its
 * own fields. Adding a kind: a {@link DestinationWriter} with a {@code read} of its fields, and one constant here.
 */
public enum DestinationKind {
    /** A batch file drop to a folder or {@code s3a://} prefix: location, format, compression. */
    S3_FILE_DROP(FileDropWriter::read);

    /** Reads a kind's own fields of one destination (problems recorded on the node) into its writer. */
    @FunctionalInterface
    interface Reader {
        DestinationWriter read(ConfigNode destination, String id, String exportsRoot);
    }

    private final Reader reader;

    DestinationKind(Reader reader) {
        this.reader = reader;
    }

    /** The writer of destination {@code id} from its YAML node; {@code exportsRoot} holds drops without a location. */
    public DestinationWriter writer(ConfigNode destination, String id, String exportsRoot) {
        return reader.read(destination, id, exportsRoot);
    }
}
