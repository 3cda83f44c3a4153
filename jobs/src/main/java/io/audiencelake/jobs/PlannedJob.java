package io.audiencelake.jobs;

import io.audiencelake.common.config.ConfigException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** A job of the design that is not built yet: it says so and exits 2, writing nothing. */
@Command(mixinStandardHelpOptions = true)
final class PlannedJob implements Callable<Integer> {
  private final String name;

  @Unmatched List<String> arguments;

  PlannedJob(String name) {
    this.name = name;
  }

  @Override
  public Integer call() {
    throw new ConfigException("job '" + name + "' is not built yet; see README.md, 'Jobs'");
  }
}
