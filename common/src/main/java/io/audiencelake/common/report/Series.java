package io.audiencelake.common.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A named row of values, one per category of a chart (null where the series has no value there).
 *
 * @param colour null takes the palette's colour for the series' position
 */
record Series(String name, List<Double> values, String colour) {
    Series {
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    Series(String name, List<Double> values) {
        this(name, values, null);
    }

    String colourAt(int position) {
        return colour != null ? colour : Svg.colour(position);
    }

    /** How many values are present. */
    int points() {
        return (int)
                values.stream().filter(v -> v != null && Double.isFinite(v)).count();
    }
}
