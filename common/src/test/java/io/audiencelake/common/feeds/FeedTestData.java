package io.audiencelake.common.feeds;

import io.audiencelake.common.spark.TestLake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Small contracts and numbered lines built in tests. */
final class FeedTestData {
    static final StructType LINES = new StructType(new StructField[] {
        DataTypes.createStructField(FeedLines.FILE, DataTypes.StringType, false),
        DataTypes.createStructField(FeedLines.LINE, DataTypes.LongType, false),
        DataTypes.createStructField(FeedLines.TEXT, DataTypes.StringType, true),
        DataTypes.createStructField(FeedLines.LINE_PROBLEM, DataTypes.StringType, true)
    });

    private FeedTestData() {}

    /** Lines of one file, numbered from 1. */
    static Dataset<Row> lines(String file, String... texts) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            rows.add(RowFactory.create(file, (long) i + 1, texts[i], null));
        }
        return TestLake.spark().createDataFrame(rows, LINES);
    }

    /** A contract from YAML text, written to a temporary file named after the feed. */
    static FeedContract contract(String feed, String yaml) {
        try {
            Path dir = Files.createTempDirectory("contract-");
            return FeedContracts.loadFile(Files.writeString(dir.resolve(feed + ".yaml"), yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final String CRM = String.join(
            "\n",
            "feed: crm",
            "party: first",
            "format: csv",
            "kind: records",
            "timestamp: updated_at",
            "dedupe_key: [customer_id]",
            "default_country: GB",
            "country_column: country",
            "columns:",
            "  - {name: customer_id, type: string, required: true}",
            "  - {name: email, type: string, pii: true}",
            "  - {name: phone, type: string, pii: true}",
            "  - {name: first_name, type: string, pii: true}",
            "  - {name: country, type: string}",
            "  - {name: birth_date, type: date, format: yyyy-MM-dd}",
            "  - {name: visits, type: int}",
            "  - {name: updated_at, type: timestamp, required: true}",
            "identifiers:",
            "  - {column: customer_id, type: customer_id}",
            "  - {column: email, type: email}",
            "  - {column: phone, type: phone}",
            "attributes:",
            "  subject: customer_id",
            "  columns: [first_name, country, birth_date, visits]",
            "");

    static final String EVENTS = String.join(
            "\n",
            "feed: web",
            "party: first",
            "format: jsonl",
            "kind: events",
            "timestamp: ts",
            "dedupe_key: [id]",
            "columns:",
            "  - {name: id, type: string, required: true}",
            "  - {name: ts, type: timestamp, required: true}",
            "  - {name: cookie, type: string}",
            "  - {name: maid, type: string}",
            "  - {name: type, type: string, required: true}",
            "  - {name: ua, type: string}",
            "  - {name: ip, type: string}",
            "  - {name: page, type: string}",
            "  - {name: email, type: string, pii: true}",
            "  - {name: revenue, type: double}",
            "identifiers:",
            "  - {column: cookie, type: cookie}",
            "  - {column: maid, type: maid}",
            "  - {column: email, type: email}",
            "event: {type: type, user_agent: ua, ip: ip, revenue: revenue}",
            "");
}
