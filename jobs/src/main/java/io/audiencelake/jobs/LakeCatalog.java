package io.audiencelake.jobs;

import io.audiencelake.common.activation.LiftTables;
import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.export.ExportTombstones;
import io.audiencelake.common.feeds.FeedFiles;
import io.audiencelake.common.feeds.Quarantine;
import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawIdentifiers;
import io.audiencelake.common.identity.ComparedPairs;
import io.audiencelake.common.identity.DeviceDays;
import io.audiencelake.common.identity.IdEdges;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.identity.IdMatchMetrics;
import io.audiencelake.common.identity.IdentifierState;
import io.audiencelake.common.identity.RecordValues;
import io.audiencelake.common.identity.SeenTogether;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.lookalike.LookalikeTables;
import io.audiencelake.common.privacy.ErasedIdentifiers;
import io.audiencelake.common.privacy.ErasureRequests;
import io.audiencelake.common.profiles.ProfileActivity;
import io.audiencelake.common.profiles.ProfileLifetime;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.ProfileTraits;
import io.audiencelake.common.profiles.Profiles;
import io.audiencelake.common.profiles.Sessions;
import io.audiencelake.common.quality.QualityResults;
import io.audiencelake.common.runs.JobLocks;
import io.audiencelake.common.runs.JobRuns;
import io.audiencelake.common.segments.SegmentTables;
import io.audiencelake.common.storage.LandingFiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every table the jobs write, in pipeline order, as a data product: the spec (name, description, owner
 * domain, column comments, partitioning), the tables or inputs it is computed from, and a query to start
 * from ({@code {table}} stands for the table's qualified name). The profiles tables' columns follow
 * traits.yaml.
 */
final class LakeCatalog {
    /** Where the feeds' files come from, as a source name. */
    static final String LANDING = "landing area (feed files)";

    /**
     * A table with what it is made from, a first query, and how {@code erase} finds a person's rows in it (empty:
     * the table holds no person data).
     */
    record DataProduct(TableSpec spec, List<String> sources, String sampleQuery, List<PersonRows> personRows) {
        DataProduct(TableSpec spec, List<String> sources, String sampleQuery, PersonRows... personRows) {
            this(spec, sources, sampleQuery, List.of(personRows));
        }

        boolean holdsPersonData() {
            return !personRows.isEmpty();
        }

        String query(String qualifiedName) {
            return sampleQuery.replace("{table}", qualifiedName);
        }
    }

    /** Tables about runs rather than audiences: always read at their latest version, never published. */
    static final Set<String> OPERATIONS = Set.of(JobRuns.SPEC.name(), JobLocks.SPEC.name(), QualityResults.SPEC.name());

    /** The first query of a table partitioned by run date: its latest date's rows. */
    private static final String LATEST_DT = "SELECT * FROM {table} WHERE dt = (SELECT max(dt) FROM {table}) LIMIT 20";

    private LakeCatalog() {}

    static List<TableSpec> all(ProfileRules traits) {
        return products(traits).stream().map(DataProduct::spec).toList();
    }

    /** By table name, for the quality checks and the freshness properties. */
    static Map<String, DataProduct> byName(ProfileRules traits) {
        Map<String, DataProduct> out = new LinkedHashMap<>();
        products(traits).forEach(p -> out.put(p.spec().name(), p));
        return out;
    }

    static List<DataProduct> products(ProfileRules traits) {
        List<DataProduct> all = new ArrayList<>();
        all.addAll(feedsProducts());
        all.addAll(identityProducts());
        all.addAll(profilesProducts(traits));
        all.addAll(audiencesProducts());
        all.addAll(activationProducts());
        all.addAll(privacyProducts());
        all.addAll(operationsProducts());
        return List.copyOf(all);
    }

    /** The landing area and what ingest made of it. */
    private static List<DataProduct> feedsProducts() {
        return List.of(
                new DataProduct(
                        LandingFiles.SPEC,
                        List.of(LANDING),
                        "SELECT feed, count(*) AS files, sum(bytes) AS bytes FROM {table} GROUP BY feed"),
                new DataProduct(
                        FeedFiles.SPEC,
                        List.of(LANDING, "landing_files"),
                        "SELECT * FROM {table} ORDER BY ingested_at DESC LIMIT 20"),
                new DataProduct(
                        RawEvents.SPEC,
                        List.of(LANDING),
                        "SELECT event_type, count(*) AS events FROM {table} WHERE dt = (SELECT max(dt) FROM {table}) "
                                + "GROUP BY event_type",
                        new PersonRows.BySourceLine(),
                        new PersonRows.ByIdentifier(RawEvents.DEVICE_ID_TYPE, RawEvents.DEVICE_ID)),
                new DataProduct(
                        RawIdentifiers.SPEC,
                        List.of(LANDING),
                        "SELECT id_type, count(DISTINCT id_value) AS ids FROM {table} GROUP BY id_type",
                        new PersonRows.BySourceLine(),
                        new PersonRows.ByIdentifier(RawIdentifiers.ID_TYPE, RawIdentifiers.ID_VALUE)),
                new DataProduct(
                        RawAttributes.SPEC,
                        List.of(LANDING),
                        "SELECT name, count(*) AS observations FROM {table} GROUP BY name ORDER BY observations DESC",
                        new PersonRows.BySourceLine(),
                        new PersonRows.ByIdentifier(RawAttributes.SUBJECT_TYPE, RawAttributes.SUBJECT_ID)),
                new DataProduct(
                        Quarantine.SPEC,
                        List.of(LANDING),
                        "SELECT feed, reason, count(*) AS rows FROM {table} WHERE dt = (SELECT max(dt) FROM {table}) "
                                + "GROUP BY feed, reason ORDER BY rows DESC",
                        new PersonRows.ByQuarantinedText()));
    }

    /** The identity graph, its links and its quality. */
    private static List<DataProduct> identityProducts() {
        return List.of(
                new DataProduct(
                        IdEdges.SPEC,
                        List.of("raw_identifiers", "raw_events", "raw_attributes"),
                        "SELECT kind, rule, count(*) AS links, avg(score) AS score FROM {table} WHERE valid_to IS NULL "
                                + "GROUP BY kind, rule ORDER BY links DESC",
                        new PersonRows.ByIdentifier(IdEdges.SRC_TYPE, IdEdges.SRC_VALUE),
                        new PersonRows.ByIdentifier(IdEdges.DST_TYPE, IdEdges.DST_VALUE)),
                new DataProduct(
                        IdGraph.SPEC,
                        List.of("id_edges", "raw_identifiers"),
                        // The current graph is the versions not ended; as of a date D: valid_from <= D and
                        // (valid_to IS NULL OR valid_to > D).
                        "SELECT person_size, count(DISTINCT person_id) AS persons FROM {table} "
                                + "WHERE valid_to IS NULL GROUP BY person_size ORDER BY person_size",
                        new PersonRows.ByPerson(IdGraph.PERSON_ID)),
                new DataProduct(
                        IdentifierState.SPEC,
                        List.of("raw_identifiers"),
                        "SELECT id_type, count(*) AS identifiers, count(linked) AS linked, max(through) AS through "
                                + "FROM {table} GROUP BY id_type",
                        new PersonRows.ByIdentifier(IdentifierState.ID_TYPE, IdentifierState.ID_VALUE)),
                new DataProduct(
                        SeenTogether.SPEC,
                        List.of("raw_identifiers"),
                        "SELECT a_type, b_type, count(*) AS pairs FROM {table} GROUP BY a_type, b_type "
                                + "ORDER BY pairs DESC",
                        new PersonRows.ByIdentifier(SeenTogether.A_TYPE, SeenTogether.A_VALUE),
                        new PersonRows.ByIdentifier(SeenTogether.B_TYPE, SeenTogether.B_VALUE)),
                new DataProduct(
                        ComparedPairs.SPEC,
                        List.of("id_device_days", "id_record_values"),
                        "SELECT model, count(*) AS pairs, max(through) AS through FROM {table} GROUP BY model",
                        new PersonRows.ByIdentifier(ComparedPairs.SRC_TYPE, ComparedPairs.SRC_VALUE),
                        new PersonRows.ByIdentifier(ComparedPairs.DST_TYPE, ComparedPairs.DST_VALUE)),
                new DataProduct(
                        DeviceDays.SPEC,
                        List.of("raw_events"),
                        "SELECT dt, id_type, count(*) AS devices FROM {table} GROUP BY dt, id_type ORDER BY dt DESC",
                        new PersonRows.ByIdentifier(DeviceDays.ID_TYPE, DeviceDays.ID_VALUE)),
                new DataProduct(
                        RecordValues.SPEC,
                        List.of("raw_attributes"),
                        "SELECT feed, name, count(*) AS subjects, max(through) AS through FROM {table} "
                                + "GROUP BY feed, name ORDER BY feed, name",
                        new PersonRows.ByIdentifier(RecordValues.SUBJECT_TYPE, RecordValues.SUBJECT_ID)),
                new DataProduct(
                        IdMatchMetrics.SPEC,
                        List.of("id_graph", "ground truth (evaluation runs)"),
                        "SELECT * FROM {table} ORDER BY dt DESC"));
    }

    /** Sessions, the profiles and their running state; the profiles' columns follow traits.yaml. */
    private static List<DataProduct> profilesProducts(ProfileRules traits) {
        return List.of(
                new DataProduct(
                        Sessions.SPEC,
                        List.of("raw_events", "id_graph"),
                        LATEST_DT,
                        new PersonRows.ByPerson(Sessions.PERSON_ID),
                        // A session written before its device had a person has none: found by the device.
                        new PersonRows.ByIdentifier(Sessions.DEVICE_ID_TYPE, Sessions.DEVICE_ID)),
                new DataProduct(
                        ProfileActivity.spec(List.of()),
                        List.of("raw_events", "sessions", "id_graph"),
                        LATEST_DT,
                        new PersonRows.ByIdentifier(ProfileActivity.ID_TYPE, ProfileActivity.ID_VALUE)),
                new DataProduct(
                        ProfileLifetime.spec(List.of()),
                        List.of("profile_activity"),
                        "SELECT * FROM {table} LIMIT 20",
                        new PersonRows.ByIdentifier(ProfileLifetime.ID_TYPE, ProfileLifetime.ID_VALUE)),
                new DataProduct(
                        Profiles.spec(traits),
                        List.of("profile_activity", "profile_lifetime", "raw_attributes", "id_graph"),
                        LATEST_DT,
                        new PersonRows.ByPerson(ProfileTraits.PERSON_ID)));
    }

    /** Segments and lookalike models. */
    private static List<DataProduct> audiencesProducts() {
        return List.of(
                new DataProduct(
                        SegmentTables.MEMBERSHIP,
                        List.of("profiles", "lookalike_scores"),
                        "SELECT segment_id, source, count(*) AS persons FROM {table} WHERE dt = (SELECT max(dt) FROM {table}) "
                                + "GROUP BY segment_id, source ORDER BY persons DESC",
                        new PersonRows.ByPerson(SegmentTables.PERSON_ID)),
                new DataProduct(
                        SegmentTables.CHANGES,
                        List.of("segment_membership"),
                        "SELECT dt, segment_id, change, count(*) AS persons FROM {table} GROUP BY dt, segment_id, change "
                                + "ORDER BY dt DESC, segment_id",
                        new PersonRows.ByPerson(SegmentTables.PERSON_ID)),
                new DataProduct(
                        SegmentTables.STATS,
                        List.of("segment_membership", "segment_changes"),
                        "SELECT dt, segment_id, size, adds, removes, control_size FROM {table} ORDER BY dt DESC, segment_id"),
                new DataProduct(SegmentTables.OVERLAPS, List.of("segment_membership"), LATEST_DT),
                new DataProduct(
                        LookalikeTables.MODEL_RUNS,
                        List.of("profiles", "segment_membership"),
                        "SELECT model_id, version, trained_at, seed_size, auc, recall_at_reach FROM {table} "
                                + "ORDER BY model_id, version DESC"),
                new DataProduct(
                        LookalikeTables.SCORES,
                        List.of("profiles", "model_runs", "segment_membership"),
                        "SELECT model_id, person_id, score, rank FROM {table} WHERE dt = (SELECT max(dt) FROM {table}) "
                                + "AND rank <= 10 ORDER BY model_id, rank",
                        new PersonRows.ByPerson(LookalikeTables.PERSON_ID)),
                new DataProduct(
                        LookalikeTables.DRIFT,
                        List.of("profiles", "model_runs"),
                        "SELECT dt, model_id, version, feature, psi FROM {table} WHERE psi > 0.25 "
                                + "ORDER BY dt DESC, psi DESC"));
    }

    /** What was sent to destinations, and what sending did. */
    private static List<DataProduct> activationProducts() {
        return List.of(
                new DataProduct(
                        ExportTables.AUDIENCE,
                        List.of("segment_membership", "id_graph", "raw_attributes"),
                        "SELECT destination_id, segment_id, id_type, count(*) AS ids FROM {table} "
                                + "WHERE dt = (SELECT max(dt) FROM {table}) GROUP BY destination_id, segment_id, id_type",
                        new PersonRows.ByPerson(ExportTables.PERSON_ID)),
                new DataProduct(ExportTables.LOG, List.of("export_audience"), "SELECT * FROM {table} ORDER BY dt DESC"),
                new DataProduct(
                        LiftTables.RESULTS,
                        List.of("segment_membership", "sessions", "export_log"),
                        "SELECT experiment, metric, treated_value, control_value, difference, ci_low, ci_high, p_value "
                                + "FROM {table} WHERE dt = (SELECT max(dt) FROM {table}) ORDER BY experiment, metric"),
                new DataProduct(
                        ExportTombstones.SPEC,
                        List.of("export_audience", "erasure request files"),
                        "SELECT destination_id, count(*) AS pending_removes FROM {table} GROUP BY destination_id",
                        new PersonRows.Kept("what destinations were sent, until each is told to remove it")));
    }

    /** Erasure requests and what they reached. */
    private static List<DataProduct> privacyProducts() {
        return List.of(
                new DataProduct(
                        ErasureRequests.SPEC,
                        List.of("erasure request files"),
                        "SELECT * FROM {table} LIMIT 20",
                        new PersonRows.Kept("the record that each request was carried out (identifiers hashed)")),
                new DataProduct(
                        ErasedIdentifiers.SPEC,
                        List.of("erasure request files", "id_graph"),
                        "SELECT request_id, id_type, count(*) AS identifiers FROM {table} GROUP BY request_id, id_type",
                        new PersonRows.Kept(
                                "the suppression list: ingest drops every later row carrying one of these")));
    }

    /** Runs, locks and quality results. */
    private static List<DataProduct> operationsProducts() {
        return List.of(
                new DataProduct(
                        JobRuns.SPEC,
                        List.of("every job"),
                        "SELECT job, run_date, status, duration_ms, rows_in, rows_out, rows_quarantined FROM {table} "
                                + "ORDER BY started_at DESC LIMIT 20"),
                new DataProduct(JobLocks.SPEC, List.of("every job"), "SELECT * FROM {table}"),
                new DataProduct(
                        QualityResults.SPEC,
                        List.of("every checked write"),
                        "SELECT run_date, table_name, check_name, passed, observed FROM {table} WHERE NOT passed "
                                + "ORDER BY checked_at DESC"));
    }
}
