package io.audiencelake.common.export;

import java.time.LocalDate;
import java.util.Map;
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
    /** What a delivery sent, for {@code export_log} and the run's counts. */
    record Delivered(String target, int files, long rows) {}

    /** Where it delivers (a folder, an endpoint), for messages and {@code --validate}. */
    String target();

    /**
     * Delivers {@code rows} (segment_id, id_type, id_value, and action for incremental destinations, in the order
     * they should arrive) for {@code date}, with {@code manifest} (destination, date, counts ...) alongside.
     */
    Delivered write(SparkSession spark, Dataset<Row> rows, LocalDate date, String runId, Map<String, Object> manifest);
}
