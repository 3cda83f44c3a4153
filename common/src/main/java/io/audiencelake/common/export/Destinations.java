package io.audiencelake.common.export;

import java.util.List;
import java.util.Optional;

/** The destinations of {@code conf/destinations.yaml}. */
public record Destinations(List<Destination> destinations) {
    public Destinations {
        destinations = List.copyOf(destinations);
    }

    public Optional<Destination> byId(String id) {
        return destinations.stream().filter(d -> d.id().equals(id)).findFirst();
    }
}
