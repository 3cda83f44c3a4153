package io.audiencelake.common.feeds;

import java.util.List;
import java.util.Optional;

/**
 * What a feed promises: its files' layout, its columns and their types, which columns are
 * identifiers and personal data, its timestamp, its duplicate key and the data-usage labels that
 * restrict where its data may go. Loaded from {@code conf/feeds/<feed>.yaml} by {@link FeedContracts}.
 *
 * @param timestamp the column that dates each row (event time, or when a record was observed)
 * @param defaultCountry ISO country for phone numbers written without an international prefix
 * @param countryColumn a column with each row's own country, used before {@code defaultCountry}
 * @param keep which row of a dedupe key is kept
 * @param unknownColumns what happens to the values of columns the contract does not know
 * @param maxLineBytes longer lines are quarantined as {@code line_too_long} without being parsed
 * @param dedupeDays events only: how many landing days before the run's a redelivered event is recognised in
 *     (by its dedupe key); 0 dedupes within the run only
 * @param reingestChanged {@code on_change: reingest}: a file changed after it was ingested replaces its rows;
 *     otherwise ({@code error}) it is left as ingested and the run fails naming it
 */
public record FeedContract(
        String id,
        String source,
        String description,
        Party party,
        FeedFormat format,
        boolean header,
        char delimiter,
        FeedKind kind,
        List<FeedColumn> columns,
        List<IdentifierColumn> identifiers,
        String timestamp,
        List<String> dedupeKey,
        String defaultCountry,
        String countryColumn,
        EventFields event,
        AttributeFields attributes,
        List<String> labels,
        DuplicateKeep keep,
        UnknownColumns unknownColumns,
        int maxLineBytes,
        boolean reingestChanged,
        int dedupeDays,
        LinePattern pattern) {
    /** 1 MiB: far above any real record, far below what one executor can hold. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    public FeedContract {
        columns = List.copyOf(columns);
        identifiers = List.copyOf(identifiers);
        dedupeKey = List.copyOf(dedupeKey);
        labels = List.copyOf(labels);
    }

    public Optional<FeedColumn> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public List<String> columnNames() {
        return columns.stream().map(FeedColumn::name).toList();
    }

    public List<String> requiredColumns() {
        return columns.stream()
                .filter(FeedColumn::required)
                .map(FeedColumn::name)
                .toList();
    }

    public boolean isIdentifier(String name) {
        return identifiers.stream().anyMatch(i -> i.column().equals(name));
    }
}
