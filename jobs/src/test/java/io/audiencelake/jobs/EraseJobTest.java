package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.export.ExportTombstones;
import io.audiencelake.common.feeds.FeedFiles;
import io.audiencelake.common.feeds.Normalise;
import io.audiencelake.common.feeds.Quarantine;
import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawIdentifiers;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.lake.TableVersion;
import io.audiencelake.common.privacy.ErasedIdentifiers;
import io.audiencelake.common.privacy.ErasureRequests;
import io.audiencelake.common.segments.SegmentTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The erase job on hand-made tables holding two persons: after erase no table, and no version time travel
 * can still read (the version before the erase held p1), returns person p1; p2 is untouched; the request
 * is recorded.
 */
class EraseJobTest {
    private static final String DAY = "2025-06-01";
    private static final String CLEAR_EMAIL = " Ann.Example@Mail.TEST ";

    @TempDir
    Path dir;

    /** The tables erase must clean, each with the condition that finds p1's rows. */
    private static Map<TableSpec, Column> p1Rows(String e1) {
        Map<TableSpec, Column> out = new LinkedHashMap<>();
        out.put(RawIdentifiers.SPEC, col("id_value").isin(e1, "maid-ann-0001"));
        // Her app event, and her web login event that carries no device of hers (found by its source row).
        out.put(
                RawEvents.SPEC,
                col("device_id").equalTo("maid-ann-0001").or(col("line_number").equalTo(30L)));
        out.put(RawAttributes.SPEC, col("subject_id").equalTo(e1));
        out.put(Quarantine.SPEC, col("raw").contains("maid-ann-0001"));
        out.put(IdGraph.SPEC, col("person_id").equalTo("p1"));
        out.put(SegmentTables.MEMBERSHIP, col("person_id").equalTo("p1"));
        out.put(ExportTables.AUDIENCE, col("person_id").equalTo("p1"));
        return out;
    }

    private static String hashed(String clear) {
        return SparkSession.active()
                .range(1)
                .select(Normalise.hash(Normalise.email(lit(clear))))
                .first()
                .getString(0);
    }

    private static void write(LakeTables lake, String e1) {
        Map<String, Object> dt = Map.of("dt", Date.valueOf(DAY));
        {
            int version = 0;
            lake.append(
                    RawIdentifiers.SPEC,
                    SpecRows.of(
                            RawIdentifiers.SPEC,
                            Map.of("id_type", "email", "id_value", e1, "feed", "crm", "line_number", (long) version),
                            Map.of(
                                    "id_type",
                                    "maid",
                                    "id_value",
                                    "maid-ann-0001",
                                    "feed",
                                    "app",
                                    "line_number",
                                    10L + version),
                            Map.of(
                                    "id_type",
                                    "maid",
                                    "id_value",
                                    "maid-bob-0002",
                                    "feed",
                                    "app",
                                    "line_number",
                                    20L + version),
                            Map.of("id_type", "email", "id_value", e1, "feed", "web", "line_number", 30L)));
            lake.append(
                    RawEvents.SPEC,
                    SpecRows.of(
                            RawEvents.SPEC,
                            Map.of(
                                    "device_id_type",
                                    "maid",
                                    "device_id",
                                    "maid-ann-0001",
                                    "feed",
                                    "app",
                                    "line_number",
                                    10L),
                            Map.of(
                                    "device_id_type",
                                    "maid",
                                    "device_id",
                                    "maid-bob-0002",
                                    "feed",
                                    "app",
                                    "line_number",
                                    20L),
                            Map.of(
                                    "device_id_type",
                                    "cookie",
                                    "device_id",
                                    "ck-shared-kiosk",
                                    "feed",
                                    "web",
                                    "line_number",
                                    30L)));
            lake.append(
                    RawAttributes.SPEC,
                    SpecRows.of(
                            RawAttributes.SPEC,
                            Map.of(
                                    "subject_type",
                                    "email",
                                    "subject_id",
                                    e1,
                                    "name",
                                    "city",
                                    "value",
                                    "Paris",
                                    "feed",
                                    "crm"),
                            Map.of(
                                    "subject_type",
                                    "maid",
                                    "subject_id",
                                    "maid-bob-0002",
                                    "name",
                                    "city",
                                    "value",
                                    "Lyon",
                                    "feed",
                                    "crm",
                                    "line_number",
                                    21L)));
            lake.append(
                    Quarantine.SPEC,
                    SpecRows.of(
                            Quarantine.SPEC,
                            Map.of(
                                    "raw",
                                    "2025-06-01T10:00:00Z,maid-ann-0001,???",
                                    "source_file",
                                    "f",
                                    "line_number",
                                    1L + 10 * version,
                                    "feed",
                                    "app"),
                            Map.of(
                                    "raw",
                                    "2025-06-01T10:00:00Z,maid-bob-0002,???",
                                    "source_file",
                                    "f",
                                    "line_number",
                                    2L + 10 * version,
                                    "feed",
                                    "app")));
            GraphDays.write(
                    lake,
                    SpecRows.of(
                            IdGraph.SPEC,
                            Map.of("person_id", "p1", "id_type", "email", "id_value", e1),
                            Map.of("person_id", "p1", "id_type", "maid", "id_value", "maid-ann-0001"),
                            Map.of("person_id", "p2", "id_type", "maid", "id_value", "maid-bob-0002")),
                    DAY);
            lake.overwritePartition(
                    SegmentTables.MEMBERSHIP,
                    SpecRows.of(
                            SegmentTables.MEMBERSHIP,
                            Map.of("segment_id", "buyers", "person_id", "p1", "source", "rule", "dt", DAY),
                            Map.of("segment_id", "buyers", "person_id", "p2", "source", "rule", "dt", DAY)),
                    Map.of("dt", Date.valueOf(DAY), "source", "rule"));
            lake.overwritePartition(
                    ExportTables.AUDIENCE,
                    SpecRows.of(
                            ExportTables.AUDIENCE,
                            Map.of(
                                    "destination_id",
                                    "ads",
                                    "segment_id",
                                    "buyers",
                                    "person_id",
                                    "p1",
                                    "id_type",
                                    "maid",
                                    "id_value",
                                    "maid-ann-0001",
                                    "dt",
                                    DAY),
                            Map.of(
                                    "destination_id",
                                    "ads",
                                    "segment_id",
                                    "buyers",
                                    "person_id",
                                    "p2",
                                    "id_type",
                                    "maid",
                                    "id_value",
                                    "maid-bob-0002",
                                    "dt",
                                    DAY)),
                    Map.of("dt", Date.valueOf(DAY), "destination_id", "ads"));
        }
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void erasedPersonIsGoneFromEveryTableAndItsHistory(TableFormat format) throws IOException {
        String conf = TestConfigs.local(dir).toString();
        String[] e1 = new String[1];
        Map<String, Long> before = new LinkedHashMap<>();
        Map<String, Set<Long>> versions = new LinkedHashMap<>();
        LakeCheck.inSession(Path.of(conf), format, lake -> {
            e1[0] = hashed(CLEAR_EMAIL);
            write(lake, e1[0]);
            p1Rows(e1[0]).forEach((table, p1) -> {
                assertTrue(lake.read(table).where(p1).count() > 0, table.name() + " holds p1 before");
                before.put(
                        table.name(), lake.read(table).where(p1.unary_$bang()).count());
                versions.put(
                        table.name(),
                        new TreeSet<>(lake.history(table).stream()
                                .map(TableVersion::version)
                                .toList()));
            });
        });
        Path requests = Files.writeString(
                dir.resolve("requests.csv"),
                "request_id,id_type,id_value,received_at\nREQ-1," + "email," + CLEAR_EMAIL.trim()
                        + ",2025-06-01T12:00:00Z\n");
        CliRun erase = CliRun.of(
                "erase",
                "-c",
                conf,
                "-d",
                DAY,
                "--requests",
                requests.toString(),
                "--set",
                "lake.table_format=" + format.name().toLowerCase(Locale.ROOT));
        assertEquals(0, erase.exitCode(), erase.err());
        assertTrue(erase.out().contains("1 erasure requests reached 1 persons and 2 identifiers"), erase.out());
        // A rerun (as after a kill) finds the same scope although id_graph no longer knows p1.
        CliRun again = CliRun.of(
                "erase",
                "-c",
                conf,
                "-d",
                DAY,
                "--requests",
                requests.toString(),
                "--set",
                "lake.table_format=" + format.name().toLowerCase(Locale.ROOT));
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("1 erasure requests reached 1 persons and 2 identifiers"), again.out());

        LakeCheck.inSession(Path.of(conf), format, lake -> {
            p1Rows(e1[0]).forEach((table, p1) -> {
                assertEquals(0, lake.read(table).where(p1).count(), table.name() + " still returns p1");
                assertEquals(
                        before.get(table.name()),
                        lake.read(table).where(p1.unary_$bang()).count(),
                        table.name() + " lost other people's rows");
                // Every version time travel knew before the erase, and every version it lists now.
                Set<Long> all = new TreeSet<>(versions.get(table.name()));
                lake.history(table).forEach(v -> all.add(v.version()));
                for (long v : all) {
                    long found;
                    try {
                        found = lake.readVersion(table, v).where(p1).count();
                    } catch (Exception purged) {
                        continue; // the version's files are gone: time travel cannot return p1
                    }
                    assertEquals(0, found, table.name() + " version " + v + " still returns p1");
                }
            });
            Row request = lake.read(ErasureRequests.SPEC).first();
            assertEquals("REQ-1", request.getString(0));
            assertEquals(e1[0], request.getString(request.fieldIndex("id_value")), "the email is stored hashed");
            assertEquals(List.of("p1"), request.getList(request.fieldIndex("persons")));
            assertEquals("completed", request.getString(request.fieldIndex("status")));
            Map<String, Long> deleted = request.getJavaMap(request.fieldIndex("rows_deleted"));
            assertEquals(
                    List.of("email:" + e1[0], "maid:maid-ann-0001"),
                    lake.read(ErasedIdentifiers.SPEC).orderBy(ErasedIdentifiers.ID_TYPE).collectAsList().stream()
                            .map(r -> r.getAs(ErasedIdentifiers.ID_TYPE) + ":" + r.getAs(ErasedIdentifiers.ID_VALUE))
                            .toList(),
                    "the scope is recorded: the suppression list of ingest");
            assertEquals(
                    List.of("ads:buyers:maid-ann-0001"),
                    lake.read(ExportTombstones.SPEC).collectAsList().stream()
                            .map(r -> r.getAs(ExportTombstones.DESTINATION_ID) + ":"
                                    + r.getAs(ExportTombstones.SEGMENT_ID) + ":" + r.getAs(ExportTombstones.ID_VALUE))
                            .toList(),
                    "what the destination was sent waits to be removed");
        });

        // The next CRM extract carries her again: ingest drops and counts the row.
        Path crm = dir.resolve("data/landing/crm/dt=" + DAY + "/extract.csv");
        Files.createDirectories(crm.getParent());
        Files.writeString(
                crm,
                "customer_id,email,phone,first_name,last_name,street,postcode,city,country,birth_date,gender,"
                        + "signup_date,updated_at\n"
                        + "C1," + CLEAR_EMAIL.trim()
                        + ",,Ann,Example,1 Rue,75001,Paris,FR,1980-01-01,F,2020-01-01,2025-06-01T08:00:00Z\n"
                        + "C2,bob@mail.test,,Bob,Other,2 Rue,75002,Paris,FR,1981-01-01,M,2020-01-01,2025-06-01T08:00:00Z\n");
        CliRun ingest = CliRun.of(
                "ingest",
                "-c",
                conf,
                "-d",
                DAY,
                "--feed",
                "crm",
                "--set",
                "lake.table_format=" + format.name().toLowerCase(Locale.ROOT));
        assertEquals(0, ingest.exitCode(), ingest.err());
        LakeCheck.inSession(Path.of(conf), format, lake -> {
            Row f = lake.read(FeedFiles.SPEC).first();
            assertEquals(
                    List.of(2L, 1L, 0L, 0L, 1L),
                    List.of(
                            f.<Long>getAs("rows_read"),
                            f.<Long>getAs("rows_kept"),
                            f.<Long>getAs("rows_duplicate"),
                            f.<Long>getAs("rows_quarantined"),
                            f.<Long>getAs("rows_suppressed")),
                    "read = kept + duplicates + quarantined + suppressed");
            assertEquals(
                    0,
                    lake.read(RawIdentifiers.SPEC)
                            .where(col("id_value").isin(e1[0], "C1"))
                            .count(),
                    "the erased person does not come back");
            assertEquals(
                    1,
                    lake.read(RawIdentifiers.SPEC)
                            .where(col("id_value").equalTo("C2"))
                            .count());
        });
    }

    @Test
    void aBadRequestIsRefusedBeforeAnyDelete() throws IOException {
        String conf = TestConfigs.local(dir).toString();
        Path requests = Files.writeString(
                dir.resolve("requests.csv"),
                "request_id,id_type,id_value\nREQ-1,email,not-an-email\nREQ-2,fingerprint,abc\n");
        CliRun erase = CliRun.of("erase", "-c", conf, "-d", DAY, "--requests", requests.toString());
        assertEquals(2, erase.exitCode());
        assertTrue(erase.err().contains("request REQ-1: id_value is not a valid identifier of its type"), erase.err());
        assertTrue(
                erase.err().contains("request REQ-2: id_type must be one of email, phone, maid, cookie"), erase.err());
    }
}
