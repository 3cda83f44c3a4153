package io.audiencelake.common.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The landing area where feeds drop files as {@code <root>/<feed>/dt=YYYY-MM-DD/<file>}, on a local
 * disk or S3 through s3a://. Names starting with {@code _} or {@code .} ({@code _SUCCESS},
 * {@code .tmp} uploads) are not feed files and are skipped.
 */
public final class LandingArea {
    private final String root;
    private final Configuration hadoop;

    public LandingArea(String root, Configuration hadoop) {
        this.root = root;
        this.hadoop = hadoop;
    }

    /** The date's files of one feed, or of every feed when {@code feed} is empty, sorted by path. */
    public List<LandingFile> filesFor(LocalDate date, Optional<String> feed) {
        Path pattern = new Path(root + "/" + feed.orElse("*") + "/dt=" + date + "/*");
        try {
            FileSystem fs = pattern.getFileSystem(hadoop);
            FileStatus[] found = fs.globStatus(
                    pattern,
                    p -> !hidden(p.getName())
                            && !hidden(p.getParent().getParent().getName()));
            List<LandingFile> out = new ArrayList<>();
            if (found == null) {
                return out;
            }
            for (FileStatus status : found) {
                if (status.isFile()) {
                    Path path = status.getPath();
                    out.add(new LandingFile(
                            path.getParent().getParent().getName(),
                            date,
                            canonical(path.toString()),
                            status.getLen(),
                            Instant.ofEpochMilli(status.getModificationTime())));
                }
            }
            out.sort(Comparator.comparing(LandingFile::path));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + pattern, e);
        }
    }

    /** The spelling Spark uses for a file (file:///a for local files), so paths compare equal everywhere. */
    public static String canonical(String path) {
        return path.replaceFirst("^file:/+", "file:///");
    }

    private static boolean hidden(String name) {
        return name.startsWith("_") || name.startsWith(".");
    }
}
