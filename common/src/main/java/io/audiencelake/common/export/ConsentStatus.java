package io.audiencelake.common.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.identity.IdGraph;
import java.sql.Timestamp;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The latest consent status per person and purpose: consent records (raw_attributes
 * {@code consent.<purpose>} of an email, cookie or ad id) are mapped to persons through id_graph, and
 * the latest record wins, whichever identifier it was given for — so an opt-out on any device counts.
 */
public final class ConsentStatus {
    public static final String PERSON_ID = IdGraph.PERSON_ID;
    public static final String STATUS = "status";
    /** Prefix of consent attributes in raw_attributes (the consent feed's {@code name_prefix}). */
    public static final String PREFIX = "consent.";

    private ConsentStatus() {}

    /**
     * (person_id, status) for {@code purpose}, from records observed before {@code until}; people without
     * a record have no row (no consent).
     */
    public static Dataset<Row> latest(
            Dataset<Row> rawAttributes, Dataset<Row> idGraph, String purpose, String grantedValue, Timestamp until) {
        Dataset<Row> records = rawAttributes
                .where(col(RawAttributes.NAME)
                        .equalTo(lit(PREFIX + purpose))
                        .and(col(RawAttributes.OBSERVED_AT).lt(lit(until))))
                .select(
                        col(RawAttributes.SUBJECT_TYPE).as(IdGraph.ID_TYPE),
                        col(RawAttributes.SUBJECT_ID).as(IdGraph.ID_VALUE),
                        col(RawAttributes.VALUE),
                        col(RawAttributes.OBSERVED_AT));
        // Two records at the same instant: anything but a grant wins, so an unclear state never grants.
        return records.join(
                        idGraph.select(IdGraph.ID_TYPE, IdGraph.ID_VALUE, PERSON_ID),
                        new String[] {IdGraph.ID_TYPE, IdGraph.ID_VALUE})
                .groupBy(PERSON_ID)
                .agg(max_by(
                                col(RawAttributes.VALUE),
                                struct(
                                        col(RawAttributes.OBSERVED_AT),
                                        when(col(RawAttributes.VALUE).equalTo(lit(grantedValue)), 0)
                                                .otherwise(1)))
                        .as(STATUS));
    }
}
