package io.audiencelake.common.export;

import io.audiencelake.common.config.ConfigNode;
import io.audiencelake.common.config.DataPaths;
import io.audiencelake.common.storage.FileDrop;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@link DestinationKind#S3_FILE_DROP}: each date's rows as a {@link FileDrop} (data files, manifest, then
 * {@code _SUCCESS}) under {@code <location>/dt=<date>/}.
 *
 * @param location the folder (local or {@code s3a://}) under which {@code dt=<date>/} drops are written
 */
public record FileDropWriter(String location, FileDrop.Format format, boolean gzip) implements DestinationWriter {

    /** Reads {@code location} (default {@code <exportsRoot>/<id>}), {@code format} and {@code compression}. */
    static FileDropWriter read(ConfigNode d, String id, String exportsRoot) {
        String location = d.string("location", null);
        if (location == null || location.isBlank()) {
            location = id == null ? null : DataPaths.join(exportsRoot, id);
        }
        FileDrop.Format format = d.enumValue("format", FileDrop.Format.class, FileDrop.Format.CSV);
        String compression = d.string("compression", "gzip");
        if (!compression.equals("gzip") && !compression.equals("none")) {
            d.problem("compression", "expected gzip or none, got '" + compression + "'");
        }
        return new FileDropWriter(location, format, compression.equals("gzip"));
    }

    @Override
    public String target() {
        return location;
    }

    @Override
    public Delivered write(
            SparkSession spark, Dataset<Row> rows, LocalDate date, String runId, Map<String, Object> manifest) {
        FileDrop.Drop drop = FileDrop.write(spark, rows, location + "/dt=" + date, format, gzip, runId, manifest);
        return new Delivered(drop.folder(), drop.files().size(), drop.rows());
    }
}
