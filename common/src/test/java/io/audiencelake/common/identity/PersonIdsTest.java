package io.audiencelake.common.identity;

import static io.audiencelake.common.identity.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class PersonIdsTest {
    private static final String COMPONENTS = "id_type string, id_value string, component bigint";
    private static final String GRAPH = "id_type string, id_value string, person_id string";

    private static Map<String, String> ids(Dataset<Row> components, PersonIds.Result r) {
        Map<String, String> out = new TreeMap<>();
        for (Row x : components.join(r.assignment(), "component").collectAsList()) {
            out.put(x.getAs("id_value"), x.getAs("person_id"));
        }
        return out;
    }

    @Test
    void idsPersistAcrossRunsThroughAMergeAndASplit() {
        Dataset<Row> day1 = Frames.of(
                COMPONENTS,
                row("cookie", "a", 1L),
                row("cookie", "b", 1L),
                row("email", "c", 3L),
                row("email", "d", 3L),
                row("email", "e", 5L),
                row("cookie", "f", 5L),
                row("cookie", "g", 5L));
        PersonIds.Result first = PersonIds.assign(day1, null, LocalDate.of(2025, 1, 1));
        Map<String, String> before = ids(day1, first);
        assertNull(first.overlaps());
        assertEquals(before.get("a"), before.get("b"));
        assertNotEquals(before.get("a"), before.get("c"));

        Dataset<Row> previous = Frames.of(
                GRAPH,
                before.entrySet().stream()
                        .map(e -> row(
                                e.getKey().equals("c")
                                                || e.getKey().equals("d")
                                                || e.getKey().equals("e")
                                        ? "email"
                                        : "cookie",
                                e.getKey(),
                                e.getValue()))
                        .toArray(Object[][]::new));
        // Day 2: {a,b} and {c,d} merge, with a new cookie h; {e,f,g} splits into {e,f} and {g}.
        Dataset<Row> day2 = Frames.of(
                COMPONENTS,
                row("cookie", "a", 1L),
                row("cookie", "b", 1L),
                row("email", "c", 1L),
                row("email", "d", 1L),
                row("cookie", "h", 1L),
                row("email", "e", 5L),
                row("cookie", "f", 5L),
                row("cookie", "g", 7L));
        PersonIds.Result second = PersonIds.assign(day2, previous, LocalDate.of(2025, 1, 2));
        Map<String, String> after = ids(day2, second);
        // Equal overlaps (2 and 2): the smaller earlier id wins, deterministically.
        String winner = before.get("a").compareTo(before.get("c")) < 0 ? before.get("a") : before.get("c");
        assertEquals(winner, after.get("a"));
        assertEquals(after.get("a"), after.get("h"));
        assertEquals(before.get("e"), after.get("e"), "the larger part of a split keeps the id");
        assertNotEquals(before.get("e"), after.get("g"), "the smaller part gets a new id");
        assertNotEquals(before.get("a"), after.get("g"));
        assertEquals(1, PersonIds.merges(second.overlaps()));
        assertEquals(1, PersonIds.splits(second.overlaps()));

        Map<String, String> rerun = ids(day2, PersonIds.assign(day2, previous, LocalDate.of(2025, 1, 2)));
        assertEquals(after, rerun, "rerunning a date gives the same ids");
    }
}
