package io.audiencelake.common.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.audiencelake.common.config.ConfigNode;
import io.audiencelake.common.export.Destination.ExportMode;
import io.audiencelake.common.feeds.IdType;
import io.audiencelake.common.storage.ReportFile;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DestinationKind#HTTP_BATCH}: the date's adds and removes sent to a platform's API in batches of one
 * segment, action and identifier type, each with an idempotency key, through {@link BatchSender} (rate limit,
 * retries with backoff and jitter) and recorded in a {@link BatchCursor} as it is acknowledged, so a killed or failed
 * export resumes where it stopped. Rows stream to the driver a partition at a time ({@code toLocalIterator}), and
 * are sent from there in order: the platform's rate limit, not the cluster, bounds a delivery, and a single sender
 * is what keeps that limit and the order of adds and removes.
 */
public final class HttpBatchWriter implements DestinationWriter {
    private static final Logger LOG = LoggerFactory.getLogger(HttpBatchWriter.class);

    private final String id;
    private final HttpBatchSettings settings;
    private final String token;
    private final DestinationContext.Pause pause;

    HttpBatchWriter(String id, HttpBatchSettings settings, String token, DestinationContext.Pause pause) {
        this.id = id;
        this.settings = settings;
        this.token = token;
        this.pause = pause;
    }

    /** Reads the kind's fields; the token is read from the environment variable {@code token_env} names, now. */
    static HttpBatchWriter read(ConfigNode d, String id, DestinationContext context) {
        HttpBatchSettings settings = HttpBatchSettings.read(d, id, context.exportsRoot());
        String token = null;
        if (settings.tokenEnv() != null) {
            token = context.environment().apply(settings.tokenEnv());
            if (token == null || token.isBlank()) {
                d.problem(
                        "token_env",
                        "environment variable " + settings.tokenEnv() + " is not set (the platform's token)");
            }
        }
        return new HttpBatchWriter(id, settings, token, context.pause());
    }

    public HttpBatchSettings settings() {
        return settings;
    }

    @Override
    public String target() {
        return settings.target();
    }

    @Override
    public Optional<String> refuses(IdType identifier, ExportMode mode) {
        if (mode != ExportMode.INCREMENTAL) {
            return Optional.of("an http_batch destination sends adds and removes: expected mode: incremental");
        }
        return settings.payload().unsupported(identifier);
    }

    @Override
    public String toString() {
        return "HttpBatchWriter[" + id + " -> " + target() + "]"; // never the token
    }

    @Override
    public Delivered write(
            SparkSession spark, Dataset<Row> rows, LocalDate date, String runId, Map<String, Object> manifest) {
        String folder = settings.cursor() + "/dt=" + date;
        BatchCursor cursor = BatchCursor.open(spark.sparkContext().hadoopConfiguration(), folder);
        BatchSender sender = new BatchSender(
                HttpClient.newBuilder().connectTimeout(settings.timeout()).build(),
                settings,
                token,
                pause,
                ThreadLocalRandom.current(),
                System::nanoTime);
        Delivery delivery = new Delivery(date, cursor, sender);
        Iterator<Row> it = rows.select(
                        ExportTables.SEGMENT_ID, ExportTables.ACTION, ExportTables.ID_TYPE, ExportTables.ID_VALUE)
                .toLocalIterator();
        while (it.hasNext()) {
            delivery.add(it.next());
        }
        delivery.flush();
        ReportFile.write(spark, folder + "/manifest.json", manifestJson(manifest, delivery.batches));
        return new Delivered(target(), delivery.batches.size(), delivery.rows, delivery.batches);
    }

    /** One date's delivery: rows gathered into batches, each sent or found acknowledged. */
    private final class Delivery {
        private final LocalDate date;
        private final BatchCursor cursor;
        private final BatchSender sender;
        private final List<Batch> batches = new ArrayList<>();
        private final List<String> ids = new ArrayList<>();
        private String segment;
        private String action;
        private IdType type;
        private long rows;

        Delivery(LocalDate date, BatchCursor cursor, BatchSender sender) {
            this.date = date;
            this.cursor = cursor;
            this.sender = sender;
        }

        void add(Row r) {
            String s = r.getString(0);
            String a = r.getString(1);
            if (!ids.isEmpty() && (!s.equals(segment) || !a.equals(action) || ids.size() >= settings.batchSize())) {
                flush();
            }
            segment = s;
            action = a;
            type = IdType.valueOf(r.getString(2).toUpperCase(Locale.ROOT));
            ids.add(r.getString(3));
        }

        void flush() {
            if (ids.isEmpty()) {
                return;
            }
            int number = batches.size() + 1;
            String key = key(number);
            Batch done = cursor.acknowledged(number, key);
            if (done == null) {
                String audience = settings.audiences().getOrDefault(segment, segment);
                URI uri = URI.create(
                        settings.endpoint().replace("{audience}", URLEncoder.encode(audience, StandardCharsets.UTF_8)));
                String what = id + " batch " + number + " (" + segment + ", " + action + ", " + ids.size() + " ids)";
                BatchSender.Answer answer = sender.send(
                        uri,
                        settings.payload().method(action),
                        settings.payload().bodyBytes(audience, action, type, ids),
                        key,
                        what);
                done = new Batch(number, segment, action, ids.size(), key, answer.status(), answer.attempts(), false);
                cursor.record(done);
                LOG.debug("{}: HTTP {} after {} attempts", what, answer.status(), answer.attempts());
            }
            batches.add(done);
            rows += ids.size();
            ids.clear();
        }

        /** SHA-256 of destination, date, number, segment, action and ids: the same batch, the same key. */
        private String key(int number) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                for (String part : List.of(id, date.toString(), Integer.toString(number), segment, action)) {
                    sha.update(part.getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) '\n');
                }
                for (String v : ids) {
                    sha.update(v.getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) '\n');
                }
                return HexFormat.of().formatHex(sha.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The delivery's manifest (what the export job passes, plus the batches' count), beside its cursor. */
    private static String manifestJson(Map<String, Object> manifest, List<Batch> batches) {
        var json = new ObjectMapper();
        Map<String, Object> out = new LinkedHashMap<>(manifest);
        out.put("batches", batches.size());
        out.put("resumed_batches", batches.stream().filter(Batch::resumed).count());
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
