package io.audiencelake.common.activation;

import io.audiencelake.common.activation.LiftMeasurement.GroupSums;
import io.audiencelake.common.activation.LiftStatistics.Estimate;
import java.util.Locale;

/** An outcome the lift job compares between treated and control, with the test that fits it. */
public enum LiftMetric {
    /** Share of people with a session after they entered. */
    VISIT {
        @Override
        public Estimate estimate(GroupSums treated, GroupSums control, double confidence) {
            return LiftStatistics.proportions(treated.n(), treated.visits(), control.n(), control.visits(), confidence);
        }
    },
    /** Share of people with a converting session (sessions.conversion_events) after they entered. */
    CONVERSION {
        @Override
        public Estimate estimate(GroupSums treated, GroupSums control, double confidence) {
            return LiftStatistics.proportions(
                    treated.n(), treated.conversions(), control.n(), control.conversions(), confidence);
        }
    },
    /** Revenue per person (people who bought nothing count 0): Welch, as revenue is skewed. */
    REVENUE {
        @Override
        public Estimate estimate(GroupSums treated, GroupSums control, double confidence) {
            return LiftStatistics.means(
                    treated.n(),
                    treated.revenue(),
                    treated.revenueSquares(),
                    control.n(),
                    control.revenue(),
                    control.revenueSquares(),
                    confidence);
        }
    };

    public abstract Estimate estimate(GroupSums treated, GroupSums control, double confidence);

    /** The name in lift_results and on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
