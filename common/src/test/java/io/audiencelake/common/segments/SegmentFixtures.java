package io.audiencelake.common.segments;

import io.audiencelake.common.feeds.FeedContract;
import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.ProfileRulesLoader;
import java.nio.file.Path;
import java.util.Collection;

/** The shipped contracts and traits that segment tests compile against. */
final class SegmentFixtures {
    static final Path CONF = Path.of(System.getProperty("user.dir")).getParent().resolve("conf");
    static final Collection<FeedContract> CONTRACTS =
            FeedContracts.load(CONF.resolve("feeds")).values();
    static final ProfileRules TRAITS = ProfileRulesLoader.load(CONF.resolve("traits.yaml"), CONTRACTS);

    private SegmentFixtures() {}
}
