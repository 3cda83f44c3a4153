package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.feeds.FieldPreparation;
import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.identity.IdentityRules.MatchModel;
import io.audiencelake.common.identity.IdentityRules.ProfileField;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** One profile per subject of a record feed (a CRM customer, a partner user): its latest attribute values. */
public final class RecordProfiles {
    private static final String[] KEY = {
        RecordValues.SUBJECT_TYPE, RecordValues.SUBJECT_ID, RecordValues.FEED, RecordValues.NAME
    };

    private RecordProfiles() {}

    /** Profiles of the model's feeds from {@code raw_attributes} up to {@code date}, one column per model field. */
    public static Dataset<Row> of(Dataset<Row> attributes, LocalDate date, MatchModel model) {
        return fromValues(values(attributes, null, date, model.feeds(), attributes(model)), model);
    }

    /** The attribute names the model's fields read, in order of first use. */
    public static List<String> attributes(MatchModel model) {
        return new ArrayList<>(new LinkedHashSet<>(model.fields().values().stream()
                .flatMap(f -> f.attributes().stream())
                .toList()));
    }

    /**
     * The latest non-null value per subject, feed and attribute ({@link RecordValues} columns but {@code through})
     * of the {@code raw_attributes} partitions after {@code since} (all when null) up to {@code date}.
     */
    public static Dataset<Row> values(
            Dataset<Row> attributes,
            LocalDate since,
            LocalDate date,
            Collection<String> feeds,
            Collection<String> names) {
        Column partitions = col(RawTables.DT).leq(lit(Date.valueOf(date)));
        if (since != null) {
            partitions = partitions.and(col(RawTables.DT).gt(lit(Date.valueOf(since))));
        }
        return latest(attributes
                .where(partitions)
                .where(col(RawTables.FEED)
                        .isin(feeds.toArray())
                        .and(col(RawAttributes.NAME).isin(names.toArray()))
                        .and(col(RawAttributes.VALUE).isNotNull()))
                .select(
                        col(RawAttributes.SUBJECT_TYPE),
                        col(RawAttributes.SUBJECT_ID),
                        col(RawTables.FEED),
                        col(RawAttributes.NAME),
                        col(RawAttributes.VALUE),
                        col(RawAttributes.OBSERVED_AT)));
    }

    /** A previous state's values ({@link RecordValues} rows, or null) with newer ones: the latest of each wins. */
    public static Dataset<Row> foldValues(Dataset<Row> previous, Dataset<Row> fresh) {
        if (previous == null) {
            return fresh;
        }
        return latest(previous.select(KEY[0], KEY[1], KEY[2], KEY[3], RecordValues.VALUE, RecordValues.OBSERVED_AT)
                .unionByName(fresh));
    }

    private static Dataset<Row> latest(Dataset<Row> rows) {
        return rows.groupBy(KEY[0], KEY[1], KEY[2], KEY[3])
                .agg(
                        max_by(col(RecordValues.VALUE), col(RecordValues.OBSERVED_AT))
                                .as(RecordValues.VALUE),
                        max(col(RecordValues.OBSERVED_AT)).as(RecordValues.OBSERVED_AT));
    }

    /** Nodes of subjects with new values of the model's feeds and attributes: their profiles changed. */
    public static Dataset<Row> changed(Dataset<Row> fresh, MatchModel model) {
        return fresh.where(col(RecordValues.FEED)
                        .isin(model.feeds().toArray())
                        .and(col(RecordValues.NAME).isin(attributes(model).toArray())))
                .select(IdentifierNodes.node(col(RecordValues.SUBJECT_TYPE), col(RecordValues.SUBJECT_ID))
                        .as(IdentifierNodes.NODE))
                .distinct();
    }

    /** Profiles of the model's feeds from latest values ({@link #values}), one column per model field. */
    public static Dataset<Row> fromValues(Dataset<Row> values, MatchModel model) {
        List<String> names = attributes(model);
        List<Column> latest = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            latest.add(max_by(
                            col(RecordValues.VALUE),
                            when(col(RecordValues.NAME).equalTo(names.get(i)), col(RecordValues.OBSERVED_AT)))
                    .as("a" + i));
        }
        Dataset<Row> wide = values.where(col(RecordValues.FEED)
                        .isin(model.feeds().toArray())
                        .and(col(RecordValues.NAME).isin(names.toArray())))
                .groupBy(
                        col(RecordValues.SUBJECT_TYPE).as(IdentifierNodes.ID_TYPE),
                        col(RecordValues.SUBJECT_ID).as(IdentifierNodes.ID_VALUE),
                        col(RecordValues.FEED).as(IdentifierNodes.SOURCE))
                .agg(latest.get(0), latest.subList(1, latest.size()).toArray(Column[]::new));
        List<Column> out = new ArrayList<>(List.of(
                IdentifierNodes.node().as(IdentifierNodes.NODE),
                col(IdentifierNodes.ID_TYPE),
                col(IdentifierNodes.ID_VALUE),
                col(IdentifierNodes.SOURCE)));
        for (Map.Entry<String, ProfileField> f : model.fields().entrySet()) {
            Column value = coalesce(f.getValue().attributes().stream()
                    .map(a -> col("a" + names.indexOf(a)))
                    .toArray(Column[]::new));
            if (f.getValue().prefix() > 0) {
                value = value.substr(1, f.getValue().prefix());
            }
            value = FieldPreparation.prepare(value, f.getValue().prepare());
            out.add(value.as(f.getKey()));
        }
        return wide.select(out.toArray(Column[]::new));
    }
}
