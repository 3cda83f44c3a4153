package io.audiencelake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.ProfileRulesLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The catalog is what erase reads to find a person's rows: a table that holds a person or identifier column
 * must say how erase finds them there (or why they are kept), and what it says must name real columns.
 */
class LakeCatalogTest {
    /** Columns that identify a person or one of their identifiers, in any table the jobs write. */
    private static final Set<String> PERSON_COLUMNS =
            Set.of("person_id", "id_value", "device_id", "subject_id", "src_value", "dst_value");

    private static final ProfileRules TRAITS = ProfileRulesLoader.load(
            TestConfigs.shippedContracts().resolveSibling("traits.yaml"),
            FeedContracts.load(TestConfigs.shippedContracts()).values());

    @Test
    void everyTableWithAPersonOrIdentifierColumnSaysHowEraseFindsThem() {
        List<String> silent = new ArrayList<>();
        for (LakeCatalog.DataProduct p : LakeCatalog.products(TRAITS)) {
            boolean personColumn = Arrays.stream(p.spec().schema().fieldNames()).anyMatch(PERSON_COLUMNS::contains);
            if (personColumn && !p.holdsPersonData()) {
                silent.add(p.spec().name());
            }
        }
        assertEquals(List.of(), silent, "tables with person data that erase would not reach");
    }

    @Test
    void howEraseFindsRowsNamesColumnsTheTableHas() {
        int erased = 0;
        for (LakeCatalog.DataProduct p : LakeCatalog.products(TRAITS)) {
            Set<String> columns = Set.of(p.spec().schema().fieldNames());
            for (PersonRows how : p.personRows()) {
                List<String> named = how.columns();
                assertTrue(columns.containsAll(named), p.spec().name() + " has no " + named + ": " + columns);
                erased += how instanceof PersonRows.Kept ? 0 : 1;
            }
        }
        // Audience, scores, membership, changes, profiles, sessions (by person and by device), the two profile
        // states, the graph, its edges (both ends), identity's state (identifiers, pairs seen together and pairs
        // compared, each by both ends, device partials, record values), quarantine and the three raw tables (by
        // identifier and by line).
        assertEquals(26, erased);
    }

    @Test
    void eraseDeletesDownstreamTablesFirstAndTheGraphLastSoAKilledEraseStillFindsThePersons() {
        List<String> order = EraseJob.deletionOrder(LakeCatalog.products(TRAITS)).stream()
                .map(p -> p.spec().name())
                .toList();
        assertEquals("export_audience", order.get(0), order.toString());
        assertEquals("id_graph", order.get(order.size() - 1), order.toString());
        assertTrue(order.indexOf("profiles") < order.indexOf("raw_events"), order.toString());
        assertEquals(order.size(), Set.copyOf(order).size(), order.toString());
    }
}
