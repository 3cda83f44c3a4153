package io.audiencelake.common.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.util.SerializableConfiguration;

/**
 * A batch file drop as downstream tools expect it: {@code <folder>/part-NNNNN.<ext>[.gz]}, then
 * {@code manifest.json} (files, rows, bytes and SHA-256 of each, schema and the caller's fields), then
 * {@code _SUCCESS} last. The files are written to a staging folder beside the drop and moved in whole;
 * a rerun first takes away the old {@code _SUCCESS}, so a reader that waits for {@code _SUCCESS} sees
 * the old drop or the new one, never a mix. (On S3 a folder move is a copy, which is why the marker,
 * not the move, is the commit.)
 */
public final class FileDrop {
    public static final String MANIFEST = "manifest.json";
    public static final String SUCCESS = "_SUCCESS";

    private FileDrop() {}

    /** One data file of a drop. */
    public record DropFile(String name, long rows, long bytes, String sha256) implements Serializable {}

    /** A committed drop. */
    public record Drop(String folder, List<DropFile> files, long rows) {}

    /** File formats: the Spark source and the extension. */
    public enum Format {
        CSV("csv", "csv"),
        JSONL("json", "jsonl");

        final String source;
        final String extension;

        Format(String source, String extension) {
            this.source = source;
            this.extension = extension;
        }
    }

    /**
     * Writes {@code rows} (already in the order the files should have) as the drop at {@code folder},
     * replacing a drop already there.
     *
     * @param manifestFields further manifest fields (destination, date, segments, counts ...)
     */
    public static Drop write(
            SparkSession spark,
            Dataset<Row> rows,
            String folder,
            Format format,
            boolean gzip,
            String runId,
            Map<String, Object> manifestFields) {
        Path target = new Path(folder);
        Path staging = new Path(target.getParent(), "_staging/" + target.getName() + "-" + runId);
        var writer = rows.write().mode("errorifexists").option("compression", gzip ? "gzip" : "none");
        if (format == Format.CSV) {
            writer = writer.option("header", true);
        }
        writer.format(format.source).save(staging.toString());
        try {
            FileSystem fs = staging.getFileSystem(spark.sparkContext().hadoopConfiguration());
            // Local checksum side files (.crc) are no part of a drop.
            fs.setWriteChecksum(false);
            List<Path> parts = numberParts(fs, staging, format, gzip);
            List<DropFile> files = describe(spark, parts, format == Format.CSV);
            long total = files.stream().mapToLong(DropFile::rows).sum();
            Map<String, Object> manifest = new LinkedHashMap<>(manifestFields);
            manifest.put("format", format.extension);
            manifest.put("compression", gzip ? "gzip" : "none");
            List<Map<String, String>> schema = new ArrayList<>();
            for (StructField f : rows.schema().fields()) {
                schema.add(Map.of("name", f.name(), "type", f.dataType().simpleString()));
            }
            manifest.put("schema", schema);
            manifest.put("rows", total);
            manifest.put("files", files);
            try (OutputStream out = fs.create(new Path(staging, MANIFEST), true)) {
                out.write(new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsBytes(manifest));
            }
            commit(fs, staging, target);
            return new Drop(target.toString(), files, total);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the drop " + folder, e);
        }
    }

    /** Spark's part files renamed {@code part-00000.<ext>[.gz]} in name order; its other files deleted. */
    private static List<Path> numberParts(FileSystem fs, Path staging, Format format, boolean gzip) throws IOException {
        List<Path> parts = new ArrayList<>();
        FileStatus[] listed = fs.listStatus(staging);
        Arrays.sort(listed, Comparator.comparing(s -> s.getPath().getName()));
        for (FileStatus s : listed) {
            String name = s.getPath().getName();
            if (name.startsWith("part-")) {
                Path renamed = new Path(
                        staging, String.format("part-%05d.%s%s", parts.size(), format.extension, gzip ? ".gz" : ""));
                rename(fs, s.getPath(), renamed);
                parts.add(renamed);
            } else {
                fs.delete(s.getPath(), false);
            }
        }
        return parts;
    }

    /** The old drop loses its {@code _SUCCESS} first, the staged one moves in, and its marker comes last. */
    private static void commit(FileSystem fs, Path staging, Path target) throws IOException {
        for (FileStatus s : fs.listStatus(staging)) {
            if (s.getPath().getName().startsWith(".")) {
                fs.delete(s.getPath(), false);
            }
        }
        if (fs.exists(target)) {
            fs.delete(new Path(target, SUCCESS), false);
            fs.delete(target, true);
        }
        fs.mkdirs(target.getParent());
        rename(fs, staging, target);
        fs.create(new Path(target, SUCCESS), true).close();
        deleteIfEmpty(fs, staging.getParent());
    }

    /** Other runs may be staging beside this one: the folder goes only when empty. */
    private static void deleteIfEmpty(FileSystem fs, Path folder) {
        try {
            if (fs.listStatus(folder).length == 0) {
                fs.delete(folder, false);
            }
        } catch (IOException e) {
            // Left behind, it is harmless: readers skip names starting with _.
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("could not move " + from + " to " + to);
        }
    }

    /** Rows and SHA-256 of each file, read on the executors (one task per file), not through the driver. */
    private static List<DropFile> describe(SparkSession spark, List<Path> parts, boolean header) {
        if (parts.isEmpty()) {
            return List.of();
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<SerializableConfiguration> conf =
                jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
        List<String> paths = parts.stream().map(Path::toString).toList();
        return jsc.parallelize(paths, paths.size())
                .map(p -> describe(new Path(p), conf.value().value(), header))
                .collect();
    }

    private static DropFile describe(Path path, Configuration conf, boolean header)
            throws IOException, NoSuchAlgorithmException {
        FileSystem fs = path.getFileSystem(conf);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long lines = 0;
        try (InputStream raw = new DigestInputStream(fs.open(path), sha);
                InputStream in = path.getName().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
            raw.transferTo(OutputStream.nullOutputStream());
        }
        return new DropFile(
                path.getName(),
                header ? Math.max(0, lines - 1) : lines,
                fs.getFileStatus(path).getLen(),
                HexFormat.of().formatHex(sha.digest()));
    }
}
