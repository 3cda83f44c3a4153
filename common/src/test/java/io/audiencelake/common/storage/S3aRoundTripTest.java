package io.audiencelake.common.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.LakeSettings;
import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.spark.TestLake;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Landing files and lake tables on s3a:// against a real S3-protocol server on 127.0.0.1. */
class S3aRoundTripTest {
    private static final String BUCKET = "lake-test";
    private static LocalS3Server server;
    private static SparkSession spark;

    @BeforeAll
    static void startServer() {
        server = LocalS3Server.start(BUCKET);
        spark = TestLake.spark();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        server.hadoopSettings().forEach(hadoop::set);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void fileWrittenThroughS3aIsStoredByTheServerAndReadsBack() throws IOException {
        Path path = new Path("s3a://" + BUCKET + "/landing/crm/dt=2024-06-01/a.csv");
        FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
        assertEquals("s3a", fs.getScheme());
        try (OutputStream out = fs.create(path, true)) {
            out.write("id,name\n1,Zoë\n".getBytes(StandardCharsets.UTF_8));
        }
        try (InputStream in = fs.open(path)) {
            assertEquals("id,name\n1,Zoë\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(
                "id,name\n1,Zoë\n".getBytes(StandardCharsets.UTF_8).length,
                fs.getFileStatus(path).getLen());
        Dataset<Row> csv = spark.read().option("header", "true").csv("s3a://" + BUCKET + "/landing/crm/dt=2024-06-01/");
        assertEquals(
                List.of("1:Zoë"),
                csv.collectAsList().stream()
                        .map(r -> r.getString(0) + ":" + r.getString(1))
                        .toList());
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void lakeTableOnS3aWritesMergesAndTravels(TableFormat format) throws IOException {
        String catalog = "s3lake";
        spark.conf().set("spark.sql.catalog." + catalog, "org.apache.iceberg.spark.SparkCatalog");
        spark.conf().set("spark.sql.catalog." + catalog + ".type", "hadoop");
        spark.conf().set("spark.sql.catalog." + catalog + ".warehouse", "s3a://" + BUCKET + "/warehouse/iceberg");
        LakeSettings settings = new LakeSettings(
                format, "s3ns", "audience-platform", catalog, Map.of(), "s3a://" + BUCKET + "/warehouse/delta");
        LakeTables lake = LakeTables.forConfig(spark, TestLake.config().withLake(settings));
        StructType schema = new StructType(new StructField[] {
            TableSpec.column("k", DataTypes.StringType, false, "key"),
            TableSpec.column("v", DataTypes.LongType, true, "value"),
            TableSpec.column("dt", DataTypes.DateType, false, "date")
        });
        TableSpec table = new TableSpec(
                "on_s3_" + format.name().toLowerCase(Locale.ROOT),
                "On S3",
                "testing",
                schema,
                List.of("dt"),
                List.of("k"));
        Date dt = Date.valueOf(LocalDate.of(2024, 6, 1));
        lake.overwritePartition(
                table,
                spark.createDataFrame(List.of(RowFactory.create("a", 1L, dt)), schema),
                Map.of("dt", LocalDate.of(2024, 6, 1)));
        lake.merge(
                table,
                spark.createDataFrame(List.of(RowFactory.create("a", 2L, dt), RowFactory.create("b", 3L, dt)), schema));
        assertEquals(
                List.of("a=2", "b=3"),
                lake.read(table).orderBy("k").collectAsList().stream()
                        .map(r -> r.getString(0) + "=" + r.getLong(1))
                        .toList());
        long first = lake.history(table).get(lake.history(table).size() - 2).version();
        assertEquals(1, lake.readVersion(table, first).count());

        // The bytes are on the server's disk, not in some local fallback.
        String prefix = format == TableFormat.DELTA ? "warehouse/delta" : "warehouse/iceberg";
        try (var files = Files.walk(server.storageDir().resolve(BUCKET).resolve(prefix))) {
            assertTrue(
                    files.anyMatch(p -> p.toString().endsWith(".parquet")), "no parquet file stored under " + prefix);
        }
    }
}
