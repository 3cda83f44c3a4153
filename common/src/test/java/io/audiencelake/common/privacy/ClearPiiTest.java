package io.audiencelake.common.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.audiencelake.common.spark.TestLake;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ClearPiiTest {
    private static final StructType TEXT =
            new StructType().add("source", DataTypes.StringType).add("text", DataTypes.StringType);

    @Test
    void findsClearEmailsAndKnownPhonesButNotHashesMasksOrDates() {
        SparkSession spark = TestLake.spark();
        Dataset<Row> text = spark.createDataFrame(
                List.of(
                        RowFactory.create(
                                "raw_identifiers",
                                "{\"id_type\":\"email\",\"id_value\":\""
                                        + "5d41402abc4b2a76b9719d911017c592a1b3c4d5e6f708192a3b4c5d6e7f8091\"}"),
                        RowFactory.create(
                                "quarantine", "{\"raw\":\"2025-06-01T10:00:00Z,j***@example.com,+44 ** **** 0958\"}"),
                        RowFactory.create("export", "buyers,email,Jane.Doe@Example.COM,add"),
                        RowFactory.create(
                                "profiles", "{\"city\":\"Paris\",\"ip\":\"192.168.1.10\",\"day\":\"2025-06-01\"}"),
                        RowFactory.create("events", "{\"note\":\"call 020 7946 0958 please\"}"),
                        RowFactory.create("events", "{\"count\":123456789012}")),
                TEXT);
        Dataset<Row> truth = spark.createDataset(List.of("+44 20 7946 0958", "+33 6 12 34 56 78"), Encoders.STRING())
                .toDF("token");
        List<String> found = new ArrayList<>();
        ClearPii.findings(text, truth).collectAsList().forEach(r -> found.add(r.mkString(":")));
        found.sort(null);
        assertEquals(List.of("events:phone:02079460958", "export:email:jane.doe@example.com"), found);
        assertEquals(1, ClearPii.findings(text, null).count(), "without the truth only emails are looked for");
    }
}
