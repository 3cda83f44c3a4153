package io.audiencelake.common.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * A small file written from the driver (a run report) to a local path or an {@code s3a://} URI. It is
 * written beside its place under a temporary name and then moved there, so a reader never sees half of
 * it (on S3 an object appears whole anyway).
 */
public final class ReportFile {
    private ReportFile() {}

    /** Writes {@code text} as UTF-8 to {@code location}, replacing a file there; returns the full path. */
    public static String write(SparkSession spark, String location, String text) {
        Path target = new Path(location);
        try {
            FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs instanceof LocalFileSystem local) {
                fs = local.getRaw(); // no .crc file beside a page people open
            }
            Path temporary = new Path(target.getParent(), "." + target.getName() + ".writing");
            try (OutputStream out = fs.create(temporary, true)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
            if (fs.exists(target) && !fs.delete(target, false)) {
                throw new IOException("could not replace " + target);
            }
            if (!fs.rename(temporary, target)) {
                throw new IOException("could not move " + temporary + " to " + target);
            }
            return fs.makeQualified(target).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + location, e);
        }
    }
}
