package io.audiencelake.jobs;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.feeds.FeedContract;
import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.lookalike.LookalikeModels;
import io.audiencelake.common.lookalike.LookalikeModelsLoader;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.ProfileRulesLoader;
import io.audiencelake.common.segments.SegmentDefinitions;
import io.audiencelake.common.segments.SegmentDefinitionsLoader;
import java.nio.file.Files;
import java.util.Collection;

/** The feed contracts, traits and segments the audience jobs read, loaded and checked against each other. */
record AudienceDefinitions(Collection<FeedContract> contracts, ProfileRules traits, SegmentDefinitions segments) {

    static AudienceDefinitions load(AppConfig config) {
        Collection<FeedContract> contracts =
                FeedContracts.load(config.feedContracts()).values();
        ProfileRules traits = ProfileRulesLoader.load(config.traits(), contracts);
        return new AudienceDefinitions(
                contracts, traits, SegmentDefinitionsLoader.load(config.segments(), traits, contracts));
    }

    /** The lookalike models of the config, checked against these definitions. */
    LookalikeModels lookalike(AppConfig config) {
        return LookalikeModelsLoader.load(config.lookalike(), traits, segments, contracts);
    }

    /** As {@link #lookalike}, or null when the environment has no lookalike file (no lookalike segments). */
    LookalikeModels lookalikeIfAny(AppConfig config) {
        return Files.exists(config.lookalike()) ? lookalike(config) : null;
    }
}
