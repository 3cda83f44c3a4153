package io.audiencelake.common.identity;

import static io.audiencelake.common.identity.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ConnectedComponentsTest {
    private static Dataset<Row> nodes(long... ids) {
        List<Object[]> rows = new ArrayList<>();
        for (long id : ids) {
            rows.add(row(id));
        }
        return Frames.of("node bigint", rows.toArray(Object[][]::new));
    }

    private static Dataset<Row> edges(long[]... pairs) {
        return Frames.of(
                "src bigint, dst bigint",
                Arrays.stream(pairs).map(p -> row(p[0], p[1])).toArray(Object[][]::new));
    }

    private static Map<Long, Long> labels(ConnectedComponents.Result r) {
        Map<Long, Long> out = new TreeMap<>();
        r.components().collectAsList().forEach(x -> out.put(x.getLong(0), x.getLong(1)));
        return out;
    }

    @Test
    void linksAreTransitiveAndEveryComponentIsLabelledWithItsSmallestNode() {
        // 1-2-3 by a chain given out of order, 4-5, 6 alone.
        ConnectedComponents.Result r = ConnectedComponents.of(
                nodes(1, 2, 3, 4, 5, 6), edges(new long[] {3, 2}, new long[] {2, 1}, new long[] {5, 4}), 10);
        assertEquals(Map.of(1L, 1L, 2L, 1L, 3L, 1L, 4L, 4L, 5L, 4L, 6L, 6L), labels(r));
    }

    @Test
    void aLongChainConvergesInFewerRoundsThanItsLength() {
        long[][] chain = new long[31][];
        long[] ids = new long[32];
        for (int i = 0; i < 32; i++) {
            ids[i] = 100 - i; // the smallest node is at the far end
        }
        for (int i = 0; i < 31; i++) {
            chain[i] = new long[] {ids[i], ids[i + 1]};
        }
        ConnectedComponents.Result r = ConnectedComponents.of(nodes(ids), edges(chain), 40);
        assertTrue(
                labels(r).values().stream().allMatch(v -> v == 69L), labels(r).toString());
        assertTrue(r.rounds() < 12, "pointer jumping: " + r.rounds() + " rounds for a chain of 32");
    }

    @Test
    void notConvergingWithinTheLimitIsAnError() {
        long[][] chain = new long[9][];
        long[] ids = new long[10];
        for (int i = 0; i < 10; i++) {
            ids[i] = 50 - i;
        }
        for (int i = 0; i < 9; i++) {
            chain[i] = new long[] {ids[i], ids[i + 1]};
        }
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> ConnectedComponents.of(nodes(ids), edges(chain), 1));
        assertTrue(e.getMessage().contains("did not converge in 1 rounds"), e.getMessage());
    }
}
