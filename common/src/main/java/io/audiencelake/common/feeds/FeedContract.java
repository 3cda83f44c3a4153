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
    List<String> labels) {

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
    return columns.stream().filter(FeedColumn::required).map(FeedColumn::name).toList();
  }

  public boolean isIdentifier(String name) {
    return identifiers.stream().anyMatch(i -> i.column().equals(name));
  }
}
