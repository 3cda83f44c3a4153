package io.audiencelake.jobs;

import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.lake.LakeTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/** The hand-made identities, consents and drops of the activation job tests: person p<i> has one identifier. */
final class AudienceRows {
    /** When the hand-made grants were given: before every test date. */
    static final String GRANTED_AT = "2025-05-01 08:00:00";

    private AudienceRows() {}

    /** id_graph on each of {@code days}: person p<i> (i below {@code people}) has {@code value(i)} of {@code type}. */
    @SuppressWarnings("unchecked")
    static void graph(LakeTables lake, String type, IntFunction<String> value, int people, String... days) {
        for (String day : days) {
            List<Map<String, Object>> ids = new ArrayList<>();
            for (int i = 0; i < people; i++) {
                ids.add(Map.of(
                        IdGraph.PERSON_ID,
                        "p" + i,
                        IdGraph.ID_TYPE,
                        type,
                        IdGraph.ID_VALUE,
                        value.apply(i),
                        IdGraph.DT,
                        day));
            }
            GraphDays.write(lake, SpecRows.of(IdGraph.SPEC, ids.toArray(Map[]::new)), day);
        }
    }

    /** Each person's identifier granted {@code purpose} at {@link #GRANTED_AT} (consent feed rows). */
    @SuppressWarnings("unchecked")
    static void granted(LakeTables lake, String purpose, String type, IntFunction<String> value, int people) {
        List<Map<String, Object>> consents = new ArrayList<>();
        for (int i = 0; i < people; i++) {
            consents.add(Map.of(
                    RawAttributes.SUBJECT_TYPE,
                    type,
                    RawAttributes.SUBJECT_ID,
                    value.apply(i),
                    RawAttributes.NAME,
                    "consent." + purpose,
                    RawAttributes.VALUE,
                    "granted",
                    RawAttributes.OBSERVED_AT,
                    Timestamp.valueOf(GRANTED_AT),
                    "dt",
                    Date.valueOf(GRANTED_AT.substring(0, 10)),
                    "feed",
                    "consent"));
        }
        lake.append(RawAttributes.SPEC, SpecRows.of(RawAttributes.SPEC, consents.toArray(Map[]::new)));
    }

    /** The identifiers (third column) of an uncompressed CSV drop's part files. */
    static Set<String> dropped(Path drop) throws IOException {
        Set<String> sent = new TreeSet<>();
        try (Stream<Path> files = Files.list(drop)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("part-"))
                    .toList()) {
                Files.readAllLines(f).stream().skip(1).forEach(line -> sent.add(line.split(",")[2]));
            }
        }
        return sent;
    }
}
