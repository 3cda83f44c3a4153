package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.feeds.RawIdentifiers;
import io.audiencelake.common.feeds.RawTables;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
    static final String STRONG = "strong";
    static final String RECORD = RawTables.RECORD_ID;
    /** The latest date a feed delivered the identifier ({@link #seen}). */
    public static final String LAST_DELIVERED = "last_delivered";

    private DeterministicLinks() {}

    /** Distinct (record, feed, identifier, node, strong) of {@code raw_identifiers} up to {@code date}. */
    public static Dataset<Row> observations(Dataset<Row> rawIdentifiers, LocalDate date, IdentityRules rules) {
        return rawIdentifiers
                .where(col(RawTables.DT).leq(lit(date)))
                .select(
                        col(RECORD),
                        col(RawTables.FEED),
                        col(RawIdentifiers.ID_TYPE).as(IdentifierNodes.ID_TYPE),
                        col(RawIdentifiers.ID_VALUE).as(IdentifierNodes.ID_VALUE),
                        IdentifierNodes.node(col(RawIdentifiers.ID_TYPE), col(RawIdentifiers.ID_VALUE))
                                .as(IdentifierNodes.NODE),
                        col(RawIdentifiers.ID_TYPE)
                                .isin(rules.strongTypes().toArray())
                                .as(STRONG))
                .distinct();
    }

    /**
     * Every identifier with the number of distinct identifiers it was seen with ({@code degree}), its
     * cap, and for strong identifiers the number of other values of their type that share a device
     * with them ({@code co_owners}): {@code test@test.com} typed on many people's phones shares each
     * phone with that person's real email, where a real email shares its devices with nobody.
     */
    public static Dataset<Row> degrees(Dataset<Row> observations, IdentityRules rules) {
        Dataset<Row> a = observations.select(
                col(RECORD),
                col(IdentifierNodes.NODE).as("a"),
                col(IdentifierNodes.ID_TYPE).as("a_type"),
                col(STRONG).as("a_strong"));
        Dataset<Row> b = observations.select(
                col(RECORD), col(IdentifierNodes.NODE).as("b"), col(STRONG).as("b_strong"));
        Dataset<Row> seenWith = a.join(b, RECORD)
                .where(col("a").notEqual(col("b")))
                .select("a", "a_type", "a_strong", "b", "b_strong")
                .distinct()
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
        Dataset<Row> withDegree = observations
                .select(IdentifierNodes.ID_TYPE, IdentifierNodes.ID_VALUE, IdentifierNodes.NODE)
                .distinct()
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
     * Edges (src &lt; dst node numbers) with the feeds that gave them as {@code rule}
     * ({@code record:crm,record:clickstream}), from records with a strong identifier, noise left out.
     */
    public static Dataset<Row> edges(Dataset<Row> observations, Dataset<Row> noise) {
        Dataset<Row> clean =
                observations.join(noise.select(IdentifierNodes.NODE), new String[] {IdentifierNodes.NODE}, "left_anti");
        Dataset<Row> anchors = clean.where(col(STRONG))
                .groupBy(RECORD)
                .agg(min(IdentifierNodes.NODE).as("anchor"));
        return clean.join(anchors, RECORD)
                .where(col(IdentifierNodes.NODE).notEqual(col("anchor")))
                .select(
                        least(col(IdentifierNodes.NODE), col("anchor")).as(SRC),
                        greatest(col(IdentifierNodes.NODE), col("anchor")).as(DST),
                        concat(lit("record:"), col(RawTables.FEED)).as("r"))
                .groupBy(SRC, DST)
                .agg(array_join(array_sort(collect_set(col("r"))), ",").as(IdEdges.RULE));
    }

    /** Identifiers with first and last observation and whether they are hashed, noise left out. */
    public static Dataset<Row> identifiers(Dataset<Row> rawIdentifiers, LocalDate date, Dataset<Row> noise) {
        return seen(rawIdentifiers, date)
                .drop(LAST_DELIVERED)
                .join(noise.select(IdentifierNodes.NODE), new String[] {IdentifierNodes.NODE}, "left_anti");
    }

    /**
     * Every identifier observed up to {@code date}, with first and last observation, whether it is hashed, and the
     * latest date a feed delivered it ({@link #LAST_DELIVERED}).
     */
    public static Dataset<Row> seen(Dataset<Row> rawIdentifiers, LocalDate date) {
        return rawIdentifiers
                .where(col(RawTables.DT).leq(lit(date)))
                .groupBy(
                        col(RawIdentifiers.ID_TYPE).as(IdentifierNodes.ID_TYPE),
                        col(RawIdentifiers.ID_VALUE).as(IdentifierNodes.ID_VALUE))
                .agg(
                        max(col(RawIdentifiers.HASHED)).as(IdGraph.HASHED),
                        min(col(RawIdentifiers.OBSERVED_AT)).as(IdGraph.FIRST_SEEN),
                        max(col(RawIdentifiers.OBSERVED_AT)).as(IdGraph.LAST_SEEN),
                        max(col(RawTables.DT)).as(LAST_DELIVERED))
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
