package io.audiencelake.common.profiles;

import io.audiencelake.common.feeds.ColumnType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the profiles job computes ({@code conf/traits.yaml}), validated by {@link ProfileRulesLoader}
 * against the feed contracts: how events become sessions, which traits each person gets, and the RFM
 * scores built from three of them.
 *
 * @param sessions how clickstream events are cut into sessions
 * @param traits the trait columns of {@code profiles}, in file order
 * @param rfm recency/frequency/monetary quintile scores, or null when not configured
 * @param sketchPrecision log2 of the registers of the HyperLogLog sketches behind distinct counts (4–21)
 * @param stateRetentionDays lifetime state snapshots older than this many days before a run are deleted
 *     by it (a rerun of a date within them folds from its own previous snapshot)
 */
public record ProfileRules(
        SessionRules sessions, List<Trait> traits, Rfm rfm, int sketchPrecision, int stateRetentionDays) {

    public ProfileRules {
        traits = List.copyOf(traits);
    }

    public Optional<Trait> trait(String name) {
        return traits.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The widest event window of any trait, in days (0 when none has a window). */
    public int maxWindowDays(TraitSource source) {
        return traits.stream()
                .filter(t -> t.source() == source && !t.window().isLifetime())
                .mapToInt(t -> t.window().days())
                .max()
                .orElse(0);
    }

    /**
     * How events become sessions. A session never crosses midnight UTC, so each day's sessions can be
     * rebuilt alone when late events arrive for it.
     *
     * @param gapMinutes inactivity after which the next event starts a new session
     * @param splitOnCampaign an event with a different campaign starts a new session
     * @param conversionEvents event types that mark a session as converted
     * @param pageColumn, referrerColumn, campaignColumn the event columns holding those values
     * @param channels referrer rules that name a session's channel, first match wins
     * @param includeRobots whether events of crawler user agents count (they do not by default)
     */
    public record SessionRules(
            int gapMinutes,
            boolean splitOnCampaign,
            List<String> conversionEvents,
            String pageColumn,
            String referrerColumn,
            String campaignColumn,
            List<Channel> channels,
            boolean includeRobots) {
        public SessionRules {
            conversionEvents = List.copyOf(conversionEvents);
            channels = List.copyOf(channels);
        }
    }

    /**
     * A channel rule: a session whose entry referrer host is one of {@code referrerHosts} (any when
     * empty) and whose campaign presence matches {@code withCampaign} (either when null) is {@code name}.
     */
    public record Channel(String name, List<String> referrerHosts, Boolean withCampaign) {
        public Channel {
            referrerHosts = List.copyOf(referrerHosts);
        }
    }

    /**
     * One trait column.
     *
     * @param of the column aggregated (events or sessions), or the attribute name (attributes)
     * @param type the value's type: the column's type, or the declared type of an attribute
     * @param where column = any of the values, all must hold (the row counts only then)
     * @param among the rows a share or a rate is taken of (same form as {@code where}; empty: all rows); the
     *     rows that count are those of {@code where} among them. Empty for other kinds.
     * @param percentile the fraction (0 to 1) a percentile trait reports, null for other kinds
     */
    public record Trait(
            String name,
            String description,
            TraitKind kind,
            TraitSource source,
            String of,
            ColumnType type,
            Map<String, List<String>> where,
            Map<String, List<String>> among,
            Window window,
            Double percentile) {
        public Trait {
            where = Map.copyOf(where);
            among = Map.copyOf(among);
        }

        /**
         * The rows of {@code where} among those of {@code among}: a column in both keeps the values in both
         * (the loader refuses a trait where that leaves none).
         */
        public Map<String, List<String>> whereAmong() {
            Map<String, List<String>> out = new TreeMap<>(among);
            where.forEach((column, values) -> out.merge(
                    column, values, (a, w) -> a.stream().filter(w::contains).toList()));
            return out;
        }
    }

    /** RFM quintile scores (1–5, 5 best) of three numeric traits, among persons with a recency. */
    public record Rfm(String recency, String frequency, String monetary) {}

    /** A trait window: the last {@code days} days up to the run date, or everything ({@code days} 0). */
    public record Window(int days) {
        public static final Window LIFETIME = new Window(0);

        public boolean isLifetime() {
            return days == 0;
        }

        @Override
        public String toString() {
            return isLifetime() ? "lifetime" : days + "d";
        }
    }
}
