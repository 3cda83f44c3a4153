package io.audiencelake.common.report;

import io.audiencelake.common.config.ConfigException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The dates a run report covers: the run date and the {@code days - 1} days before it.
 *
 * @param date the run date, the last day of the window
 * @param days how many days the trends show, {@link #MIN_DAYS} to {@link #MAX_DAYS}
 */
public record ReportWindow(LocalDate date, int days) {
    public static final int DAYS_DEFAULT = 14;
    public static final int MIN_DAYS = 1;
    /** A page of daily trends stays readable to about three months. */
    public static final int MAX_DAYS = 92;

    public ReportWindow {
        if (days < MIN_DAYS || days > MAX_DAYS) {
            throw new ConfigException("--days: must be from " + MIN_DAYS + " to " + MAX_DAYS + ", cannot be: " + days);
        }
    }

    /** The first day of the window. */
    public LocalDate first() {
        return date.minusDays(days - 1L);
    }

    /** Every day of the window, oldest first. */
    public List<LocalDate> dates() {
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate d = first(); !d.isAfter(date); d = d.plusDays(1)) {
            out.add(d);
        }
        return out;
    }
}
