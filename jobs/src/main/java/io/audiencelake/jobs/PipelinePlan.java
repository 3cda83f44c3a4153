package io.audiencelake.jobs;

import io.audiencelake.common.config.ConfigException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The order a pipeline run takes: every job of {@link #JOBS} for each date, dates oldest first. A
 * resume ({@code from}) skips the jobs before it on the first date only: later dates run whole.
 */
record PipelinePlan(List<Step> steps) {
    /** The nightly jobs, in the order their inputs require (the registry's). */
    static final List<String> JOBS = Commands.nightly();

    /** One job for one date. */
    record Step(LocalDate date, String job) {
        @Override
        public String toString() {
            return job + " " + date;
        }
    }

    PipelinePlan {
        steps = List.copyOf(steps);
    }

    /**
     * @param from the job to start at on the first date (null: the first job)
     * @param to the last job to run on each date (null: the last job)
     */
    static PipelinePlan of(LocalDate first, LocalDate last, String from, String to) {
        if (last.isBefore(first)) {
            throw new ConfigException("--dates: the range ends (" + last + ") before it starts (" + first + ")");
        }
        if (first.plusDays(3660).isBefore(last)) {
            throw new ConfigException("--dates: more than ten years (" + first + ".." + last + "); split the backfill");
        }
        int start = index("--from", from, 0);
        int end = index("--to", to, JOBS.size() - 1);
        if (end < start) {
            throw new ConfigException("--to " + to + " comes before --from " + from + " in the pipeline " + JOBS);
        }
        List<Step> steps = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            for (int j = d.equals(first) ? start : 0; j <= end; j++) {
                steps.add(new Step(d, JOBS.get(j)));
            }
        }
        return new PipelinePlan(steps);
    }

    private static int index(String option, String job, int fallback) {
        if (job == null) {
            return fallback;
        }
        int i = JOBS.indexOf(job);
        if (i < 0) {
            throw new ConfigException(option + ": unknown job '" + job + "'; expected one of " + JOBS);
        }
        return i;
    }

    /** The command that resumes this plan at a failed step. */
    String resumeCommand(Step failed, LocalDate last, String to) {
        String dates = failed.date().equals(last) ? "--date " + last : "--dates " + failed.date() + ".." + last;
        return "audiencelake pipeline " + dates + " --from " + failed.job() + (to == null ? "" : " --to " + to);
    }
}
