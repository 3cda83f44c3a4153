package io.audiencelake.common.sample;

import io.audiencelake.common.config.DataPaths;
import io.audiencelake.common.config.GeneratorBehaviour;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Writes realistic sample feeds for a range of dates to a landing root (local or s3a://), and the
 * ground truth beside them. Deterministic: the same seed and scale give the same bytes.
 *
 * <p>Work is split into one Spark task per output file (feed x date x slice of
 * {@value #PEOPLE_PER_FILE} people); each task streams its file straight to storage, so nothing
 * is collected but the list of files written.
 */
public final class SampleGenerator {
    /** People per output file; a clickstream file of this many people is ~100 MB before gzip. */
    public static final int PEOPLE_PER_FILE = 20_000;
    /** People per unit of scale. */
    public static final int PEOPLE_PER_SCALE = 2_000;

    private final long seed;
    private final long people;
    private final GeneratorBehaviour behaviour;

    /** With the default behaviour. */
    public SampleGenerator(long seed, double scale) {
        this(seed, scale, GeneratorBehaviour.DEFAULTS);
    }

    public SampleGenerator(long seed, double scale, GeneratorBehaviour behaviour) {
        if (scale <= 0) {
            throw new IllegalArgumentException("scale must be positive, cannot be: " + scale);
        }
        this.seed = seed;
        this.people = Math.max(10, Math.round(scale * PEOPLE_PER_SCALE));
        this.behaviour = behaviour;
    }

    public long people() {
        return people;
    }

    /** The landing path of one feed file. */
    public static String feedFile(String landing, SampleFeed feed, LocalDate date, long slice) {
        return DataPaths.join(
                landing,
                feed.folder() + "/dt=" + date + "/" + feed.folder() + String.format("-%05d.", slice)
                        + feed.extension());
    }

    /** Writes every feed for every date, and the ground truth; returns the files written. */
    public List<GeneratedFile> generate(SparkSession spark, String landing, String truth, List<LocalDate> dates) {
        long slices = (people + PEOPLE_PER_FILE - 1) / PEOPLE_PER_FILE;
        List<FileTask> tasks = new ArrayList<>();
        for (long slice = 0; slice < slices; slice++) {
            long from = slice * PEOPLE_PER_FILE;
            long to = Math.min(people, from + PEOPLE_PER_FILE);
            tasks.add(new FileTask(
                    seed,
                    people,
                    behaviour,
                    null,
                    null,
                    slice,
                    from,
                    to,
                    DataPaths.join(truth, String.format("persons/persons-%05d.csv.gz", slice))));
            for (LocalDate date : dates) {
                for (SampleFeed feed : SampleFeed.values()) {
                    tasks.add(new FileTask(
                            seed,
                            people,
                            behaviour,
                            feed,
                            date,
                            slice,
                            from,
                            to,
                            feedFile(landing, feed, date, slice)));
                }
                tasks.add(new FileTask(
                        seed,
                        people,
                        behaviour,
                        null,
                        date,
                        slice,
                        from,
                        to,
                        DataPaths.join(
                                truth, String.format("identifiers/dt=%s/identifiers-%05d.csv.gz", date, slice))));
            }
        }
        SerializableConfiguration hadoop =
                new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
        spark.sparkContext().setJobDescription("generate: " + tasks.size() + " files for " + people + " people");
        // One task per file; the list of files is small (feeds x dates x slices), so collecting it is safe.
        return new JavaSparkContext(spark.sparkContext())
                .parallelize(tasks, tasks.size())
                .map(task -> task.write(hadoop))
                .collect();
    }

    /** One file to write: a feed's slice for a date, a truth slice for a date, or the persons slice. */
    private record FileTask(
            long seed,
            long people,
            GeneratorBehaviour behaviour,
            SampleFeed feed,
            LocalDate date,
            long slice,
            long from,
            long to,
            String path)
            implements Serializable {

        GeneratedFile write(SerializableConfiguration hadoop) {
            Population population = new Population(seed, people, behaviour);
            Path target = new Path(path);
            try {
                FileSystem fs = target.getFileSystem(hadoop.value());
                long lines;
                try (OutputStream stream = fs.create(target, true);
                        LineSink sink = new LineSink(stream, path.endsWith(".gz"))) {
                    if (feed != null) {
                        new FeedSlices(population).write(feed, date, slice, from, to, sink);
                    } else if (date != null) {
                        new GroundTruth(population).identifiers(date, slice, from, to, sink);
                    } else {
                        new GroundTruth(population).persons(from, to, sink);
                    }
                    lines = sink.lines();
                }
                long bytes = fs.getFileStatus(target).getLen();
                String name = feed != null
                        ? feed.folder()
                        : date != null ? "ground-truth/identifiers" : "ground-truth/persons";
                return new GeneratedFile(name, date == null ? null : date.toString(), path, lines, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + path, e);
            }
        }
    }
}
