package io.audiencelake.common.profiles;

import static org.apache.spark.sql.functions.col;

import io.audiencelake.common.feeds.ColumnType;
import io.audiencelake.common.feeds.FeedContract;
import io.audiencelake.common.feeds.FeedKind;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawTables;
import java.util.Collection;
import java.util.HashSet;
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
    private static final Map<String, ColumnType> OWN = Map.of(
            RawEvents.EVENT_TYPE,
            ColumnType.STRING,
            RawEvents.DEVICE_TYPE,
            ColumnType.STRING,
            RawEvents.OS,
            ColumnType.STRING,
            RawEvents.BROWSER,
            ColumnType.STRING,
            RawEvents.REVENUE,
            ColumnType.DOUBLE,
            RawEvents.CURRENCY,
            ColumnType.STRING,
            RawEvents.IP_PREFIX,
            ColumnType.STRING,
            RawTables.FEED,
            ColumnType.STRING,
            RawTables.PARTY,
            ColumnType.STRING,
            RawEvents.DEVICE_ID_TYPE,
            ColumnType.STRING);

    private final Map<String, ColumnType> types;

    private EventColumns(Map<String, ColumnType> types) {
        this.types = types;
    }

    public static EventColumns of(Collection<FeedContract> contracts) {
        Map<String, ColumnType> types = new LinkedHashMap<>(OWN);
        for (FeedContract c : contracts) {
            if (c.kind() != FeedKind.EVENTS) {
                continue;
            }
            Set<String> own = new HashSet<>();
            var e = c.event();
            for (String s : new String[] {e.type(), e.userAgent(), e.ip(), e.revenue(), e.currency(), c.timestamp()}) {
                if (s != null) {
                    own.add(s);
                }
            }
            for (var column : c.columns()) {
                if (!column.pii() && !c.isIdentifier(column.name()) && !own.contains(column.name())) {
                    types.putIfAbsent(column.name(), column.type().widened());
                }
            }
        }
        return new EventColumns(types);
    }

    public Map<String, ColumnType> types() {
        return types;
    }

    public boolean has(String name) {
        return types.containsKey(name);
    }

    /** The column over raw_events rows, typed. */
    public Column column(String name) {
        ColumnType type = types.get(name);
        if (type == null) {
            throw new IllegalArgumentException("unknown event column " + name);
        }
        return OWN.containsKey(name)
                ? col(name)
                : col(RawEvents.ATTRIBUTES).getItem(name).cast(type.sparkType());
    }
}
