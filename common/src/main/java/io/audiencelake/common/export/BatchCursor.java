package io.audiencelake.common.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.audiencelake.common.export.DestinationWriter.Batch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where an API delivery of one destination and date stands: one small file per batch the platform acknowledged
 * ({@code batch-000001.json}: number, idempotency key, rows, status), written right after the acknowledgement.
 * A run killed mid-way leaves the files of the batches that arrived; the rerun of the date recomputes the same
 * batches in the same order and skips each one whose number and key (a digest of its content) are on file, so no
 * batch is sent twice, while a batch whose content changed (its key differs) is sent. One file per batch, not an
 * appended log: S3 has no append, and a PUT appears whole. The files hold counts and digests, no identifier.
 */
final class BatchCursor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileSystem fs;
    private final Path folder;
    private final Map<Integer, Batch> acknowledged;

    private BatchCursor(FileSystem fs, Path folder, Map<Integer, Batch> acknowledged) {
        this.fs = fs;
        this.folder = folder;
        this.acknowledged = acknowledged;
    }

    /** The cursor kept in {@code folder} (local or {@code s3a://}), with the batches acknowledged so far. */
    static BatchCursor open(Configuration conf, String folder) {
        Path path = new Path(folder);
        try {
            FileSystem fs = path.getFileSystem(conf);
            if (fs instanceof LocalFileSystem local) {
                fs = local.getRaw(); // no .crc files beside the cursor
            }
            Map<Integer, Batch> acknowledged = new HashMap<>();
            if (fs.exists(path)) {
                for (FileStatus f : fs.listStatus(path, p -> p.getName().matches("batch-\\d+\\.json"))) {
                    try {
                        Batch b = read(fs, f.getPath());
                        acknowledged.put(b.batch(), b);
                    } catch (JsonProcessingException e) {
                        // Cut short by a kill while it was written (a local file system): not acknowledged, so the
                        // batch goes again under the same idempotency key, which the platform ignores if it has it.
                    }
                }
            }
            return new BatchCursor(fs, path, acknowledged);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the delivery cursor " + folder, e);
        }
    }

    /** The earlier acknowledgement of batch {@code number} if it had this key (the same content), else null. */
    Batch acknowledged(int number, String key) {
        Batch b = acknowledged.get(number);
        return b != null && b.idempotencyKey().equals(key) ? b : null;
    }

    /** Records an acknowledged batch before the next is sent. */
    void record(Batch b) {
        ObjectNode node = JSON.createObjectNode()
                .put("batch", b.batch())
                .put("segment_id", b.segmentId())
                .put("action", b.action())
                .put("rows", b.rows())
                .put("idempotency_key", b.idempotencyKey())
                .put("http_status", b.httpStatus())
                .put("attempts", b.attempts());
        Path file = new Path(folder, String.format("batch-%06d.json", b.batch()));
        try (OutputStream out = fs.create(file, true)) {
            out.write(JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new UncheckedIOException("could not record batch " + b.batch() + " in " + folder, e);
        }
        acknowledged.put(b.batch(), b);
    }

    private static Batch read(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            JsonNode n = JSON.readTree(in);
            return new Batch(
                    n.path("batch").asInt(),
                    n.path("segment_id").asText(),
                    n.path("action").asText(),
                    n.path("rows").asLong(),
                    n.path("idempotency_key").asText(),
                    n.path("http_status").asInt(),
                    n.path("attempts").asInt(),
                    true);
        }
    }
}
