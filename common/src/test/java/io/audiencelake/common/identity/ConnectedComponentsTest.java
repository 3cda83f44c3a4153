package io.audiencelake.common.identity;

import static io.audiencelake.common.identity.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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

    /** Components by union-find on the driver: the answer the Spark rounds must reach. */
    private static Map<Long, Long> unionFind(long[] ids, long[][] pairs) {
        Map<Long, Long> parent = new TreeMap<>();
        for (long id : ids) {
            parent.put(id, id);
        }
        for (long[] p : pairs) {
            long a = root(parent, p[0]);
            long b = root(parent, p[1]);
            parent.put(Math.max(a, b), Math.min(a, b));
        }
        Map<Long, Long> out = new TreeMap<>();
        for (long id : ids) {
            out.put(id, root(parent, id));
        }
        return out;
    }

    private static long root(Map<Long, Long> parent, long id) {
        long r = id;
        while (parent.get(r) != r) {
            r = parent.get(r);
        }
        return r;
    }

    /** Node ids 1..n in a fixed random order, so that no shape is helped by its numbering. */
    private static long[] shuffled(int n, long seed) {
        List<Long> ids = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            ids.add(i);
        }
        Collections.shuffle(ids, new Random(seed));
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static int log2(int n) {
        return 32 - Integer.numberOfLeadingZeros(n - 1);
    }

    /** Labels equal to union-find's and rounds within twice log₂ of the size (the proven bound is log² n). */
    private static void assertSolved(String shape, long[] ids, long[][] pairs) {
        ConnectedComponents.Result r = ConnectedComponents.of(nodes(ids), edges(pairs), 40);
        assertEquals(unionFind(ids, pairs), labels(r), shape);
        int bound = 2 * log2(ids.length);
        assertTrue(r.rounds() <= bound, shape + ": " + r.rounds() + " rounds for " + ids.length + " nodes");
    }

    @Test
    void aLongChainNumberedAtRandomConvergesInLogarithmicRounds() {
        long[] ids = shuffled(4096, 1);
        long[][] chain = new long[ids.length - 1][];
        for (int i = 0; i + 1 < ids.length; i++) {
            chain[i] = new long[] {ids[i], ids[i + 1]};
        }
        assertSolved("chain", ids, chain);
    }

    @Test
    void aChainNumberedDownwardsAndAStarAroundItsLargestNodeConverge() {
        int n = 2048;
        long[] ids = new long[2 * n];
        long[][] pairs = new long[2 * n - 2][];
        for (int i = 0; i < n; i++) {
            ids[i] = n - i; // a chain whose smallest node is at the far end
            ids[n + i] = n + 1 + i; // a star whose centre is the largest node
        }
        for (int i = 0; i + 1 < n; i++) {
            pairs[i] = new long[] {ids[i], ids[i + 1]};
            pairs[n - 1 + i] = new long[] {2L * n, n + 1L + i};
        }
        assertSolved("downward chain and star", ids, pairs);
    }

    @Test
    void aBinaryTreeACombAndManySmallComponentsConverge() {
        long[] ids = shuffled(3000, 7);
        List<long[]> pairs = new ArrayList<>();
        // a binary tree over the first 1023 nodes
        for (int i = 1; i < 1023; i++) {
            pairs.add(new long[] {ids[i], ids[(i - 1) / 2]});
        }
        // a comb: a spine of 500 with a tooth on each
        for (int i = 1023; i < 1522; i++) {
            pairs.add(new long[] {ids[i], ids[i + 1]});
            pairs.add(new long[] {ids[i], ids[i + 500]});
        }
        // the rest in pairs and triangles
        for (int i = 2023; i + 2 < 3000; i += 3) {
            pairs.add(new long[] {ids[i], ids[i + 1]});
            pairs.add(new long[] {ids[i + 1], ids[i + 2]});
            pairs.add(new long[] {ids[i + 2], ids[i]});
        }
        assertSolved("tree, comb and triangles", ids, pairs.toArray(long[][]::new));
    }

    @Test
    void aRandomSparseGraphMatchesUnionFind() {
        long[] ids = shuffled(3000, 3);
        Random random = new Random(11);
        long[][] pairs = new long[2500][];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = new long[] {ids[random.nextInt(ids.length)], ids[random.nextInt(ids.length)]};
        }
        assertSolved("random", ids, pairs);
    }

    @Test
    void updatingThePreviousComponentsGivesTheAnswerOfAFullRunAfterLinksAndNodesComeAndGo() {
        long[] before = shuffled(2000, 5);
        Random random = new Random(13);
        List<long[]> pairs = new ArrayList<>();
        for (int i = 0; i < 1800; i++) {
            pairs.add(new long[] {before[random.nextInt(before.length)], before[random.nextInt(before.length)]});
        }
        long[][] previousPairs = pairs.toArray(long[][]::new);
        Dataset<Row> previous =
                ConnectedComponents.of(nodes(before), edges(previousPairs), 40).components();
        // The next day: 100 nodes leave with their links, 200 other links go, 300 new nodes and 400 links come.
        List<Long> ids = new ArrayList<>();
        for (int i = 100; i < before.length; i++) {
            ids.add(before[i]);
        }
        for (long i = 2001; i <= 2300; i++) {
            ids.add(i);
        }
        Set<Long> present = new HashSet<>(ids);
        List<long[]> next = new ArrayList<>();
        for (int i = 200; i < pairs.size(); i++) {
            if (present.contains(pairs.get(i)[0]) && present.contains(pairs.get(i)[1])) {
                next.add(pairs.get(i));
            }
        }
        for (int i = 0; i < 400; i++) {
            next.add(new long[] {ids.get(random.nextInt(ids.size())), ids.get(random.nextInt(ids.size()))});
        }
        long[] now = ids.stream().mapToLong(Long::longValue).toArray();
        long[][] nextPairs = next.toArray(long[][]::new);
        ConnectedComponents.Result updated =
                ConnectedComponents.update(nodes(now), edges(nextPairs), previous, edges(previousPairs), 40);
        assertEquals(unionFind(now, nextPairs), labels(updated));
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
