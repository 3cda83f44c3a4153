package io.audiencelake.common.identity;

import static io.audiencelake.common.identity.Frames.row;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ReachableLinksTest {
    private static final String TRUTH = "id_type string, id_value string, truth_key string";

    /** Person T1 has a desktop d1, a phone m1 and a tablet t1; T2, in T1's household, a phone m2. */
    private static Dataset<Row> truth() {
        return Frames.of(
                TRUTH,
                row("cookie", "d1", "T1"),
                row("cookie", "m1", "T1"),
                row("cookie", "t1", "T1"),
                row("cookie", "m2", "T2"),
                // A late event's copy of a truth line: read twice, counted once.
                row("cookie", "m2", "T2"));
    }

    /** The pairs as "a-b" by identifier value, the smaller first. */
    private static Set<String> named(Dataset<Row> pairs, Dataset<Row> identifiers) {
        Dataset<Row> names = identifiers
                .select(
                        IdentifierNodes.node().as("n"),
                        col(IdentifierNodes.ID_VALUE).as("v"))
                .distinct();
        return pairs
                .join(names.toDF(DeterministicLinks.SRC, "a"), DeterministicLinks.SRC)
                .join(names.toDF(DeterministicLinks.DST, "b"), DeterministicLinks.DST)
                .collectAsList()
                .stream()
                .map(r -> {
                    String a = r.getAs("a");
                    String b = r.getAs("b");
                    return a.compareTo(b) < 0 ? a + "-" + b : b + "-" + a;
                })
                .collect(Collectors.toSet());
    }

    @Test
    void aPerfectModelWouldAcceptOnlyTheComparedPairsOfOneTruePerson() {
        Dataset<Row> compared = Frames.of(
                "model string, src_type string, src_value string, dst_type string, dst_value string",
                row("devices", "cookie", "d1", "cookie", "m1"), // one person: reachable
                row("devices", "cookie", "m1", "cookie", "m2"), // household members: not
                row("devices", "cookie", "d1", "cookie", "x9")); // x9 is not in the truth
        assertEquals(Set.of("d1-m1"), named(ReachableLinks.comparedTruePairs(compared, truth()), truth()));
    }

    @Test
    void devicesOfOnePersonOnOneAddressAreReachableWhateverTheAddressesSize() {
        Dataset<Row> days = Frames.of(
                "id_type string, id_value string, ips array<string>",
                // d1 and m1 meet at home on different days; m1 and t1 only on the carrier's address.
                row("cookie", "d1", List.of("home")),
                row("cookie", "m1", List.of("carrier", "home")),
                row("cookie", "m1", List.of("home")),
                row("cookie", "t1", List.of("carrier")),
                // The household member's phone is at home and on the carrier too: never a pair with T1's devices.
                row("cookie", "m2", List.of("home", "carrier")));
        assertEquals(Set.of("d1-m1", "m1-t1"), named(ReachableLinks.sharedAddressTruePairs(days, truth()), truth()));
    }
}
