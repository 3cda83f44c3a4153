package io.audiencelake.common.profiles;

import static org.apache.spark.sql.functions.col;

import io.audiencelake.common.feeds.FeedContract;
import io.audiencelake.common.feeds.FeedKind;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawTables;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;

/**
 * The event columns traits and sessions may use: raw_events' own columns, and every column the
 * events feeds' contracts send to the attributes map (page, category, campaign, ...), typed as the
 * contract declares. Built from the contracts so an unknown name is refused at load, not at run.
 */
public final class EventColumns {
  private static final Map<String, ValueType> OWN = Map.of(
      RawEvents.EVENT_TYPE, ValueType.STRING, RawEvents.DEVICE_TYPE, ValueType.STRING,
      RawEvents.OS, ValueType.STRING, RawEvents.BROWSER, ValueType.STRING,
      RawEvents.REVENUE, ValueType.DOUBLE, RawEvents.CURRENCY, ValueType.STRING,
      RawEvents.IP_PREFIX, ValueType.STRING, RawTables.FEED, ValueType.STRING,
      RawTables.PARTY, ValueType.STRING, RawEvents.DEVICE_ID_TYPE, ValueType.STRING);

  private final Map<String, ValueType> types;

  private EventColumns(Map<String, ValueType> types) {
    this.types = types;
  }

  public static EventColumns of(Collection<FeedContract> contracts) {
    Map<String, ValueType> types = new LinkedHashMap<>(OWN);
    for (FeedContract c : contracts) {
      if (c.kind() != FeedKind.EVENTS) {
        continue;
      }
      Set<String> own = new java.util.HashSet<>();
      var e = c.event();
      for (String s : new String[] {e.type(), e.userAgent(), e.ip(), e.revenue(), e.currency(), c.timestamp()}) {
        if (s != null) {
          own.add(s);
        }
      }
      for (var column : c.columns()) {
        if (!column.pii() && !c.isIdentifier(column.name()) && !own.contains(column.name())) {
          types.putIfAbsent(column.name(), ValueType.of(column.type()));
        }
      }
    }
    return new EventColumns(types);
  }

  public Map<String, ValueType> types() {
    return types;
  }

  public boolean has(String name) {
    return types.containsKey(name);
  }

  /** The column over raw_events rows, typed. */
  public Column column(String name) {
    ValueType type = types.get(name);
    if (type == null) {
      throw new IllegalArgumentException("unknown event column " + name);
    }
    return OWN.containsKey(name) ? col(name)
        : col(RawEvents.ATTRIBUTES).getItem(name).cast(type.sparkType());
  }
}
