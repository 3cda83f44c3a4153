package io.audiencelake.common.export;

import io.audiencelake.common.export.Destination.ExportMode;
import io.audiencelake.common.feeds.IdType;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * How one destination receives a run's rows: one implementation per {@link DestinationKind}. The common part
 * of an export (the audience, consent, data-usage labels, adds and removes, {@code export_audience} and
 * {@code export_log}) is the export job's; a writer only delivers, and must deliver whole or fail (a rerun of
 * the date delivers again).
 */
public interface DestinationWriter {
    /**
     * What a delivery sent, for {@code export_log} and the run's counts.
     *
     * @param files the data files of a drop, or the requests of an API delivery
     * @param batches an API delivery's batches (empty for a file drop)
     */
    record Delivered(String target, int files, long rows, List<Batch> batches) {
        public Delivered {
            batches = List.copyOf(batches);
        }

        public Delivered(String target, int files, long rows) {
            this(target, files, rows, List.of());
        }
    }

    /**
     * One batch an API destination acknowledged.
     *
     * @param batch its number in the delivery's order, from 1
     * @param idempotencyKey SHA-256 of destination, date, number and content: the same batch always has the same key
     * @param httpStatus the platform's answer to the attempt that succeeded
     * @param attempts requests it took (retries after 429, 5xx or a lost connection)
     * @param resumed acknowledged by an earlier, interrupted run of the date and not sent again
     */
    record Batch(
            int batch,
            String segmentId,
            String action,
            long rows,
            String idempotencyKey,
            int httpStatus,
            int attempts,
            boolean resumed) {}

    /** Where it delivers (a folder, an endpoint), for messages and {@code --validate}. */
    String target();

    /** Why this kind cannot deliver the identifier type or mode the destination names, or empty when it can. */
    default Optional<String> refuses(IdType identifier, ExportMode mode) {
        return Optional.empty();
    }

    /**
     * Delivers {@code rows} (segment_id, id_type, id_value, and action for incremental destinations, in the order
     * they should arrive) for {@code date}, with {@code manifest} (destination, date, counts ...) alongside.
     */
    Delivered write(SparkSession spark, Dataset<Row> rows, LocalDate date, String runId, Map<String, Object> manifest);
}
