package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.identity.IdentityRules.MatchModel;
import io.audiencelake.common.identity.IdentityRules.ProfileField;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** One profile per subject of a record feed (a CRM customer, a partner user): its latest attribute values. */
public final class RecordProfiles {
    private RecordProfiles() {}

    /** Nodes of subjects with attributes of the model's feeds after {@code since} up to {@code date}: changed. */
    public static Dataset<Row> changed(Dataset<Row> attributes, LocalDate since, LocalDate date, MatchModel model) {
        return attributes
                .where(col(RawTables.DT).gt(lit(since)).and(col(RawTables.DT).leq(lit(date))))
                .where(col(RawTables.FEED).isin(model.feeds().toArray()))
                .select(IdentifierNodes.node(col(RawAttributes.SUBJECT_TYPE), col(RawAttributes.SUBJECT_ID))
                        .as(IdentifierNodes.NODE))
                .distinct();
    }

    /** Profiles of the model's feeds from {@code raw_attributes} up to {@code date}, one column per model field. */
    public static Dataset<Row> of(Dataset<Row> attributes, LocalDate date, MatchModel model) {
        List<String> names = new ArrayList<>(new LinkedHashSet<>(model.fields().values().stream()
                .flatMap(f -> f.attributes().stream())
                .toList()));
        List<Column> latest = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            latest.add(max_by(
                            col(RawAttributes.VALUE),
                            when(
                                    col(RawAttributes.NAME)
                                            .equalTo(names.get(i))
                                            .and(col(RawAttributes.VALUE).isNotNull()),
                                    col(RawAttributes.OBSERVED_AT)))
                    .as("a" + i));
        }
        Dataset<Row> wide = attributes
                .where(col(RawTables.DT).leq(lit(date)))
                .where(col(RawTables.FEED)
                        .isin(model.feeds().toArray())
                        .and(col(RawAttributes.NAME).isin(names.toArray())))
                .groupBy(
                        col(RawAttributes.SUBJECT_TYPE).as(IdentifierNodes.ID_TYPE),
                        col(RawAttributes.SUBJECT_ID).as(IdentifierNodes.ID_VALUE),
                        col(RawTables.FEED).as(IdentifierNodes.SOURCE))
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
            out.add(value.as(f.getKey()));
        }
        return wide.select(out.toArray(Column[]::new));
    }
}
