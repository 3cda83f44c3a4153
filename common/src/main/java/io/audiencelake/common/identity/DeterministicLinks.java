package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.feeds.RawIdentifiers;
import io.audiencelake.common.feeds.RawTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Links from identifiers seen together. A record with a strong identifier (a login email, a CRM id)
 * links each of its other identifiers to it; as the same strong value recurs in other records and
 * feeds, their identifiers join up. A value seen with more distinct identifiers than its type's cap,
 * or a strong value whose devices also carry too many other values of its type, is noise (a shared
 * office login, {@code test@test.com}, a call-centre phone): it links nothing.
 */
public final class DeterministicLinks {
    public static final String SRC = "src";
    public static final String DST = "dst";
    public static final String DEGREE = "degree";
    public static final String CO_OWNERS = "co_owners";
    static final String CAP = "cap";
    /** Node numbers of a pair's two identifiers ({@link #together}), a &lt; b. */
    public static final String A = "a";

    public static final String B = "b";
    static final String RECORD = RawTables.RECORD_ID;
    /** The latest date a feed delivered the identifier ({@link #seen}). */
    public static final String LAST_DELIVERED = "last_delivered";

    private DeterministicLinks() {}

    /** The rows of {@code raw_identifiers} partitions after {@code since} (null: from the first) up to {@code date}. */
    public static Dataset<Row> delivered(Dataset<Row> rawIdentifiers, LocalDate since, LocalDate date) {
        Column window = col(RawTables.DT).leq(lit(Date.valueOf(date)));
        return since == null
                ? rawIdentifiers.where(window)
                : rawIdentifiers.where(window.and(col(RawTables.DT).gt(lit(Date.valueOf(since)))));
    }

    /**
     * Pairs of identifiers delivered in one source row ({@link SeenTogether} columns plus their nodes {@code a} and
     * {@code b}, a &lt; b), with the feeds that delivered them together and the latest such partition.
     */
    public static Dataset<Row> together(Dataset<Row> delivered) {
        Dataset<Row> observations = delivered
                .select(
                        col(RECORD),
                        col(RawTables.DT),
                        col(RawTables.FEED),
                        col(RawIdentifiers.ID_TYPE).as(IdentifierNodes.ID_TYPE),
                        col(RawIdentifiers.ID_VALUE).as(IdentifierNodes.ID_VALUE),
                        IdentifierNodes.node(col(RawIdentifiers.ID_TYPE), col(RawIdentifiers.ID_VALUE))
                                .as(IdentifierNodes.NODE))
                .distinct();
        Dataset<Row> a =
                observations.toDF(RECORD, RawTables.DT, RawTables.FEED, SeenTogether.A_TYPE, SeenTogether.A_VALUE, A);
        Dataset<Row> b = observations
                .drop(RawTables.FEED)
                .distinct()
                .toDF(RECORD, RawTables.DT, SeenTogether.B_TYPE, SeenTogether.B_VALUE, B);
        return a.join(b, new String[] {RECORD, RawTables.DT})
                .where(col(A).lt(col(B)))
                .groupBy(A, SeenTogether.A_TYPE, SeenTogether.A_VALUE, B, SeenTogether.B_TYPE, SeenTogether.B_VALUE)
                .agg(
                        array_sort(collect_set(col(RawTables.FEED))).as(SeenTogether.FEEDS),
                        max(col(RawTables.DT)).as(SeenTogether.LAST_DELIVERED));
    }

    /**
     * The pairs of a previous state ({@link SeenTogether} rows, or null) and of newly delivered rows
     * ({@link #together}) as one: feeds united, latest delivery kept. Folding the same rows twice changes nothing.
     */
    public static Dataset<Row> foldTogether(Dataset<Row> previous, Dataset<Row> added) {
        String[] key = {SeenTogether.A_TYPE, SeenTogether.A_VALUE, SeenTogether.B_TYPE, SeenTogether.B_VALUE};
        Dataset<Row> fresh = added.select(
                SeenTogether.A_TYPE,
                SeenTogether.A_VALUE,
                SeenTogether.B_TYPE,
                SeenTogether.B_VALUE,
                SeenTogether.FEEDS,
                SeenTogether.LAST_DELIVERED);
        Dataset<Row> all = previous == null
                ? fresh
                : previous.select(
                                SeenTogether.A_TYPE,
                                SeenTogether.A_VALUE,
                                SeenTogether.B_TYPE,
                                SeenTogether.B_VALUE,
                                SeenTogether.FEEDS,
                                SeenTogether.LAST_DELIVERED)
                        .unionByName(fresh);
        return all.groupBy(Arrays.stream(key).map(functions::col).toArray(Column[]::new))
                .agg(
                        array_sort(array_distinct(flatten(collect_list(col(SeenTogether.FEEDS)))))
                                .as(SeenTogether.FEEDS),
                        max(col(SeenTogether.LAST_DELIVERED)).as(SeenTogether.LAST_DELIVERED))
                .withColumn(A, IdentifierNodes.node(col(SeenTogether.A_TYPE), col(SeenTogether.A_VALUE)))
                .withColumn(B, IdentifierNodes.node(col(SeenTogether.B_TYPE), col(SeenTogether.B_VALUE)));
    }

    /** Pairs without an end in {@code nodes} (column node): expired or cut identifiers link nothing. */
    public static Dataset<Row> without(Dataset<Row> pairs, Dataset<Row> nodes) {
        Dataset<Row> gone = nodes.select(IdentifierNodes.NODE);
        return pairs.join(gone.toDF(A), new String[] {A}, "left_anti")
                .join(gone.toDF(B), new String[] {B}, "left_anti");
    }

    /**
     * Every identifier with the number of distinct identifiers it was seen with ({@code degree}), its
     * cap, and for strong identifiers the number of other values of their type that share a device
     * with them ({@code co_owners}): {@code test@test.com} typed on many people's phones shares each
     * phone with that person's real email, where a real email shares its devices with nobody.
     *
     * @param pairs {@link #foldTogether} pairs of the identifiers
     * @param identifiers (id_type, id_value, node) of the identifiers
     */
    public static Dataset<Row> degrees(Dataset<Row> pairs, Dataset<Row> identifiers, IdentityRules rules) {
        Object[] strong = rules.strongTypes().toArray();
        Dataset<Row> seenWith = pairs.select(
                        col(A).as("a"),
                        col(SeenTogether.A_TYPE).as("a_type"),
                        col(B).as("b"),
                        col(SeenTogether.B_TYPE).as("b_type"))
                .union(pairs.select(
                        col(B).as("a"),
                        col(SeenTogether.B_TYPE).as("a_type"),
                        col(A).as("b"),
                        col(SeenTogether.A_TYPE).as("b_type")))
                .withColumn("a_strong", col("a_type").isin(strong))
                .withColumn("b_strong", col("b_type").isin(strong))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> degree = seenWith.groupBy(col("a").as(IdentifierNodes.NODE))
                .agg(count(lit(1)).as(DEGREE));
        Column cap = lit(rules.maxDegreeOf(IdentityRules.DEFAULT));
        for (String type : rules.maxDegree().keySet()) {
            cap = when(
                            col(IdentifierNodes.ID_TYPE).equalTo(type),
                            lit(rules.maxDegree().get(type)))
                    .otherwise(cap);
        }
        Dataset<Row> withDegree = identifiers
                .select(IdentifierNodes.ID_TYPE, IdentifierNodes.ID_VALUE, IdentifierNodes.NODE)
                .join(degree, new String[] {IdentifierNodes.NODE}, "left")
                .na()
                .fill(0L, new String[] {DEGREE})
                .withColumn(CAP, cap);
        // Devices over their own cap (a kiosk) are left out first, so they cannot make owners look shared.
        Dataset<Row> hubs = withDegree
                .where(col(DEGREE).gt(col(CAP)))
                .select(col(IdentifierNodes.NODE).as("b"));
        Dataset<Row> owners = seenWith.where(col("a_strong").and(not(col("b_strong"))))
                .join(hubs, new String[] {"b"}, "left_anti")
                .select("a", "a_type", "b");
        Dataset<Row> coOwners = owners.join(
                        owners.select(
                                col("b"), col("a").as("other"), col("a_type").as("other_type")),
                        "b")
                .where(col("other").notEqual(col("a")).and(col("other_type").equalTo(col("a_type"))))
                .groupBy(col("a").as(IdentifierNodes.NODE))
                .agg(countDistinct("other").as(CO_OWNERS));
        return withDegree
                .join(coOwners, new String[] {IdentifierNodes.NODE}, "left")
                .na()
                .fill(0L, new String[] {CO_OWNERS});
    }

    /** The identifiers over their degree cap, or sharing devices with more co-owners than allowed: noise. */
    public static Dataset<Row> noise(Dataset<Row> degrees, IdentityRules rules) {
        return degrees.where(col(DEGREE).gt(col(CAP)).or(col(CO_OWNERS).gt(rules.maxCoOwners())));
    }

    /**
     * Edges (src &lt; dst node numbers) between identifiers seen in one row where at least one is strong, noise left
     * out, with the feeds that showed them together as {@code rule} ({@code record:clickstream,record:crm}). A row's
     * identifiers thus all join its strong ones, as one person, and a row without a strong identifier links nothing.
     */
    public static Dataset<Row> edges(Dataset<Row> pairs, Dataset<Row> noise, IdentityRules rules) {
        Object[] strong = rules.strongTypes().toArray();
        return without(pairs, noise)
                .where(col(SeenTogether.A_TYPE)
                        .isin(strong)
                        .or(col(SeenTogether.B_TYPE).isin(strong)))
                .select(
                        col(A).as(SRC),
                        col(B).as(DST),
                        array_join(transform(col(SeenTogether.FEEDS), f -> concat(lit("record:"), f)), ",")
                                .as(IdEdges.RULE));
    }

    /**
     * Every identifier observed up to {@code date}, with first and last observation, whether it is hashed, and the
     * latest date a feed delivered it ({@link #LAST_DELIVERED}).
     */
    public static Dataset<Row> seen(Dataset<Row> rawIdentifiers, LocalDate date) {
        return foldSeen(null, seen(delivered(rawIdentifiers, null, date)));
    }

    /** Each delivered identifier with first and last observation, whether hashed, and the latest delivery. */
    public static Dataset<Row> seen(Dataset<Row> delivered) {
        return delivered
                .groupBy(
                        col(RawIdentifiers.ID_TYPE).as(IdentifierNodes.ID_TYPE),
                        col(RawIdentifiers.ID_VALUE).as(IdentifierNodes.ID_VALUE))
                .agg(
                        max(col(RawIdentifiers.HASHED)).as(IdGraph.HASHED),
                        min(col(RawIdentifiers.OBSERVED_AT)).as(IdGraph.FIRST_SEEN),
                        max(col(RawIdentifiers.OBSERVED_AT)).as(IdGraph.LAST_SEEN),
                        max(col(RawTables.DT)).as(LAST_DELIVERED));
    }

    /**
     * A previous state's identifiers ({@link IdentifierState} rows, or null) and newly delivered ones ({@link #seen})
     * as one, with their node numbers: earliest first, latest last and latest delivery kept. Idempotent.
     */
    public static Dataset<Row> foldSeen(Dataset<Row> previous, Dataset<Row> added) {
        String[] columns = {
            IdentifierNodes.ID_TYPE,
            IdentifierNodes.ID_VALUE,
            IdGraph.HASHED,
            IdGraph.FIRST_SEEN,
            IdGraph.LAST_SEEN,
            LAST_DELIVERED
        };
        Dataset<Row> fresh = added.select(columns[0], Arrays.copyOfRange(columns, 1, columns.length));
        Dataset<Row> all = previous == null
                ? fresh
                : previous.select(columns[0], Arrays.copyOfRange(columns, 1, columns.length))
                        .unionByName(fresh);
        return all.groupBy(IdentifierNodes.ID_TYPE, IdentifierNodes.ID_VALUE)
                .agg(
                        max(col(IdGraph.HASHED)).as(IdGraph.HASHED),
                        min(col(IdGraph.FIRST_SEEN)).as(IdGraph.FIRST_SEEN),
                        max(col(IdGraph.LAST_SEEN)).as(IdGraph.LAST_SEEN),
                        max(col(LAST_DELIVERED)).as(LAST_DELIVERED))
                .withColumn(IdentifierNodes.NODE, IdentifierNodes.node());
    }

    /**
     * Of {@link #seen} identifiers, those no feed delivered for their type's inactivity limit: they leave the
     * graph. Delivery, not the record's own timestamp, counts as seen: a CRM row redelivered unchanged every day
     * keeps its email however old its {@code updated_at}.
     */
    public static Dataset<Row> expired(Dataset<Row> seen, LocalDate date, IdentityRules.Expiry expiry) {
        return seen.where(datediff(lit(Date.valueOf(date)), col(LAST_DELIVERED))
                .geq(GraphVersions.inactiveDays(col(IdentifierNodes.ID_TYPE), expiry)));
    }
}
