package io.audiencelake.jobs;

import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Command;

/**
 * Every command of the command line, in one place: {@link Main} adds them as subcommands in this order, the
 * nightly {@code pipeline} runs the jobs marked {@link Registered#nightly} in this order, and the tests (every
 * command's {@code --help} and {@code --version}, the Airflow DAG's task order, the cluster test) read the same
 * list. Adding a job is its class (a picocli {@code @Command}) and one line here.
 */
final class Commands {
    private Commands() {}

    /**
     * One command: how to make it (a fresh instance per command line run: picocli fills its options) and
     * whether the nightly pipeline runs it. Its name and description are its {@code @Command}'s.
     */
    record Registered(Class<?> type, Supplier<Object> factory, boolean nightly) {
        String name() {
            return type.getAnnotation(Command.class).name();
        }

        /** A new instance of a nightly job, for the pipeline to fill with a job's own options. */
        Job<?> newJob() {
            return (Job<?>) factory.get();
        }
    }

    /** The nightly jobs in the order their inputs require (ingest first, report last); the others after them. */
    static final List<Registered> ALL = List.of(
            new Registered(GenerateJob.class, GenerateJob::new, false),
            new Registered(InventoryJob.class, InventoryJob::new, false),
            new Registered(IngestJob.class, IngestJob::new, true),
            new Registered(IdentityJob.class, IdentityJob::new, true),
            new Registered(ProfilesJob.class, ProfilesJob::new, true),
            new Registered(SegmentsJob.class, SegmentsJob::new, true),
            new Registered(LookalikeJob.class, LookalikeJob::new, true),
            new Registered(ExportJob.class, ExportJob::new, true),
            new Registered(LiftJob.class, LiftJob::new, true),
            new Registered(ReportJob.class, ReportJob::new, true),
            new Registered(EraseJob.class, EraseJob::new, false),
            new Registered(PiiScanJob.class, PiiScanJob::new, false),
            new Registered(PipelineJob.class, PipelineJob::new, false),
            new Registered(CatalogCommand.class, CatalogCommand::new, false),
            new Registered(SqlCommand.class, SqlCommand::new, false),
            new Registered(PlatformSandboxCommand.class, PlatformSandboxCommand::new, false),
            new Registered(BatchCommand.class, BatchCommand::new, false));

    /** The names of the nightly jobs, in pipeline order. */
    static List<String> nightly() {
        return ALL.stream().filter(Registered::nightly).map(Registered::name).toList();
    }

    /** The registered command called {@code name}. */
    static Registered named(String name) {
        return ALL.stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no command " + name));
    }
}
