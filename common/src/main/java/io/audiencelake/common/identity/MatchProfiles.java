package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.identity.IdentityRules.MatchModel;
import io.audiencelake.common.identity.IdentityRules.Source;
import io.audiencelake.common.lake.LakeTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * What the match models' profiles are made from, kept between runs so a daily run reads only the raw partitions
 * that landed since the previous one: device partials per day ({@link DeviceDays}) over the longest device
 * lookback, and the latest value of every compared attribute ({@link RecordValues}). Without state (first run,
 * {@code --rebuild}, or a table missing) both are computed from the raw tables. Profiles built either way are the
 * same.
 */
public final class MatchProfiles {
    private final LocalDate since;
    private final LocalDate date;
    private final int lookbackDays;
    private final boolean daysFromRaw;
    private final boolean valuesFromRaw;
    private final Dataset<Row> days;
    private final Dataset<Row> freshDays;
    private final Dataset<Row> values;
    private final Dataset<Row> freshValues;

    private MatchProfiles(
            LocalDate since,
            LocalDate date,
            int lookbackDays,
            boolean daysFromRaw,
            boolean valuesFromRaw,
            Dataset<Row> days,
            Dataset<Row> freshDays,
            Dataset<Row> values,
            Dataset<Row> freshValues) {
        this.since = since;
        this.date = date;
        this.lookbackDays = lookbackDays;
        this.daysFromRaw = daysFromRaw;
        this.valuesFromRaw = valuesFromRaw;
        this.days = days;
        this.freshDays = freshDays;
        this.values = values;
        this.freshValues = freshValues;
    }

    /**
     * The state up to {@code date}: the previous one plus the raw partitions after {@code since}, or, when
     * {@code since} is null or a state table is missing, from the raw tables alone.
     */
    public static MatchProfiles load(LakeTables lake, IdentityRules rules, LocalDate since, LocalDate date) {
        int lookback = rules.models().stream()
                .filter(m -> m.source() == Source.DEVICES)
                .mapToInt(MatchModel::lookbackDays)
                .max()
                .orElse(0);
        // Partials of an older layout (without a column this version keeps) are made again from the raw events.
        boolean daysFromRaw = since == null
                || !lake.exists(DeviceDays.SPEC)
                || !Arrays.asList(lake.read(DeviceDays.SPEC).columns())
                        .containsAll(Arrays.asList(DeviceDays.SPEC.schema().fieldNames()));
        Dataset<Row> days = null;
        Dataset<Row> freshDays = null;
        if (lookback > 0) {
            LocalDate first = date.minusDays(lookback - 1L);
            Dataset<Row> events = lake.read(RawEvents.SPEC);
            if (daysFromRaw) {
                days = persist(DeviceProfiles.days(events, first, date));
            } else {
                freshDays = persist(DeviceProfiles.days(events, since.plusDays(1), date));
                days = lake.read(DeviceDays.SPEC)
                        .where(col(DeviceDays.DT).between(lit(Date.valueOf(first)), lit(Date.valueOf(since))))
                        .unionByName(freshDays);
            }
        }
        Set<String> feeds = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        for (MatchModel m : rules.models()) {
            if (m.source() == Source.RECORDS) {
                feeds.addAll(m.feeds());
                names.addAll(RecordProfiles.attributes(m));
            }
        }
        boolean valuesFromRaw = since == null || !lake.exists(RecordValues.SPEC);
        Dataset<Row> values = null;
        Dataset<Row> freshValues = null;
        if (!feeds.isEmpty()) {
            Dataset<Row> attributes = lake.read(RawAttributes.SPEC);
            if (valuesFromRaw) {
                values = persist(RecordProfiles.values(attributes, null, date, feeds, names));
            } else {
                freshValues = persist(RecordProfiles.values(attributes, since, date, feeds, names));
                values = persist(RecordProfiles.foldValues(lake.read(RecordValues.SPEC), freshValues));
            }
        }
        return new MatchProfiles(
                since, date, lookback, daysFromRaw, valuesFromRaw, days, freshDays, values, freshValues);
    }

    private static Dataset<Row> persist(Dataset<Row> rows) {
        return rows.persist(StorageLevel.MEMORY_AND_DISK());
    }

    /** The device partials of the longest device lookback up to the date; null without device models. */
    public Dataset<Row> deviceDays() {
        return days == null
                ? null
                : days.where(col(DeviceDays.DT)
                        .between(lit(Date.valueOf(date.minusDays(lookbackDays - 1L))), lit(Date.valueOf(date))));
    }

    /** The model's profiles as of the date. */
    public Dataset<Row> profiles(MatchModel model) {
        return model.source() == Source.DEVICES
                ? DeviceProfiles.fromDays(days, date, model.lookbackDays())
                : RecordProfiles.fromValues(values, model);
    }

    /**
     * Nodes whose profile for the model changed since the previous run: devices with events, subjects with
     * attribute values in the partitions after {@code since}. Null when there is no previous run: all did.
     */
    public Dataset<Row> changed(MatchModel model) {
        if (since == null) {
            return null;
        }
        return model.source() == Source.DEVICES
                ? DeviceProfiles.active(days, since)
                // Without the previous values every subject counts as changed.
                : RecordProfiles.changed(valuesFromRaw ? values : freshValues, model);
    }

    /**
     * Writes the state: device partials of the new partitions (older than the longest lookback dropped), the
     * folded record values of the subjects among {@code kept} (nodes identity still holds).
     */
    public void write(LakeTables lake, Dataset<Row> kept) {
        if (days != null && daysFromRaw) {
            // One file per partition: the table is read whole every run, so its file count is its cost.
            lake.replace(
                    DeviceDays.SPEC, LakeTables.withSpecSchema(DeviceDays.SPEC, days.repartition(col(DeviceDays.DT))));
        } else if (days != null) {
            List<Date> partitions = new ArrayList<>();
            for (LocalDate d = since.plusDays(1); !d.isAfter(date); d = d.plusDays(1)) {
                partitions.add(Date.valueOf(d));
            }
            // One row per partition: small enough to list on the driver.
            for (Row r : lake.read(DeviceDays.SPEC)
                    .where(col(DeviceDays.DT).lt(lit(Date.valueOf(date.minusDays(lookbackDays - 1L)))))
                    .select(DeviceDays.DT)
                    .distinct()
                    .collectAsList()) {
                partitions.add(r.getDate(0));
            }
            lake.overwritePartition(
                    DeviceDays.SPEC,
                    LakeTables.withSpecSchema(DeviceDays.SPEC, freshDays.repartition(col(DeviceDays.DT))),
                    Map.of(DeviceDays.DT, partitions));
        }
        if (values != null) {
            Dataset<Row> rows = values.join(
                            kept,
                            IdentifierNodes.node(col(RecordValues.SUBJECT_TYPE), col(RecordValues.SUBJECT_ID))
                                    .equalTo(kept.col(IdentifierNodes.NODE)),
                            "left_semi")
                    .withColumn(RecordValues.THROUGH, lit(Date.valueOf(date)));
            lake.replace(RecordValues.SPEC, LakeTables.withSpecSchema(RecordValues.SPEC, rows));
        }
    }

    /** Frees what {@link #load} kept. */
    public void release() {
        Stream.of(days, freshDays, values, freshValues).filter(Objects::nonNull).forEach(Dataset::unpersist);
    }
}
