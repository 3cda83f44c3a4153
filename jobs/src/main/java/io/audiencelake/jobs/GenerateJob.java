package io.audiencelake.jobs;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.config.GeneratorSettings;
import io.audiencelake.common.sample.GeneratedFile;
import io.audiencelake.common.sample.SampleGenerator;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes realistic sample feeds and their hidden ground truth to the landing area. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Write sample first-, second- and third-party feeds and consent for the dates ending at "
                + "--date to the landing area, and the ground truth beside them. Same seed, same bytes.")
public final class GenerateJob implements Job<GeneratorSettings>, Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(GenerateJob.class);

    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--seed", description = "Random seed (default from config generate.seed).")
    Long seed;

    @Option(
            names = "--scale",
            description = "Scale factor: 1 is ~2,000 people and ~20,000 events a day "
                    + "(default from config generate.scale).")
    Double scale;

    @Option(names = "--days", description = "Number of dates ending at --date (default from config generate.days).")
    Integer days;

    @Override
    public String name() {
        return "generate";
    }

    GeneratorSettings settings(AppConfig config) {
        GeneratorSettings c = config.generate();
        return new GeneratorSettings(
                seed != null ? seed : c.seed(),
                scale != null ? scale : c.scale(),
                days != null ? days : c.days(),
                c.behaviour());
    }

    @Override
    public GeneratorSettings load(AppConfig config) {
        GeneratorSettings s = settings(config);
        if (s.scale() < 0.01 || s.scale() > 100_000) {
            throw new ConfigException("--scale: must be between 0.01 and 100000, cannot be: " + s.scale());
        }
        if (s.days() < 1 || s.days() > 366) {
            throw new ConfigException("--days: must be between 1 and 366, cannot be: " + s.days());
        }
        return s;
    }

    @Override
    public JobResult run(JobContext context, GeneratorSettings s) {
        List<LocalDate> dates = new ArrayList<>();
        for (int d = s.days() - 1; d >= 0; d--) {
            dates.add(context.date().minusDays(d));
        }
        SampleGenerator generator = new SampleGenerator(s.seed(), s.scale(), s.behaviour());
        LOG.info(
                "generating {} people, dates {} to {}, seed {}, into {}",
                generator.people(),
                dates.get(0),
                context.date(),
                s.seed(),
                context.config().paths().landing());
        context.step(name(), "write sample feeds");
        List<GeneratedFile> files = generator.generate(
                context.spark(),
                context.config().paths().landing(),
                context.config().paths().groundTruth(),
                dates);
        Map<String, Long> counts = new LinkedHashMap<>();
        long feedLines = 0;
        for (GeneratedFile f : files) {
            counts.merge(f.feed() + ".lines", f.lines(), Long::sum);
            counts.merge(f.feed() + ".bytes", f.bytes(), Long::sum);
            counts.merge(f.feed() + ".files", 1L, Long::sum);
            if (!f.feed().startsWith("ground-truth")) {
                feedLines += f.lines();
            }
        }
        counts.put("people", generator.people());
        counts.forEach((k, v) -> LOG.info("  {} = {}", k, v));
        return new JobResult(0, feedLines, 0, counts);
    }

    @Override
    public Integer call() throws Exception {
        return JobRunner.exitCode(this, options, spec);
    }
}
