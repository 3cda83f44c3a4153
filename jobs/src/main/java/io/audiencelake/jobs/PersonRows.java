package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;

import io.audiencelake.common.feeds.IdType;
import io.audiencelake.common.feeds.Quarantine;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How {@code erase} finds a person's rows in a table of the catalog. A table that holds person data declares
 * one or more of these in {@link LakeCatalog}; erase deletes by each, so a new table with person data is
 * erased once its catalog entry says how (and {@code LakeCatalogTest} refuses one that holds a person or
 * identifier column and says nothing).
 */
sealed interface PersonRows {
    /** Opaque identifiers shorter than this are not searched for in quarantined text (too many false hits). */
    int MIN_TEXT_MATCH = 6;

    /** What one erasure reaches: its persons, their identifiers, and the source lines that carried one. */
    record Scope(Dataset<Row> persons, Dataset<Row> identifiers, Dataset<Row> sourceLines) {}

    /** The key values of {@code table}'s rows to delete for {@code scope}, or empty when none can be. */
    Optional<Dataset<Row>> keys(Scope scope, LakeTables lake, TableSpec table);

    /** One line for the catalog page. */
    String describe();

    /** The table's columns this reads (checked against the catalog's schemas). */
    List<String> columns();

    /** Rows keyed by the stable person id. */
    record ByPerson(String column) implements PersonRows {
        @Override
        public Optional<Dataset<Row>> keys(Scope scope, LakeTables lake, TableSpec table) {
            return Optional.of(scope.persons().toDF(column));
        }

        @Override
        public List<String> columns() {
            return List.of(column);
        }

        @Override
        public String describe() {
            return "erased by person (`" + column + "`)";
        }
    }

    /** Rows keyed by an identifier (a device, a subject, one end of an edge). */
    record ByIdentifier(String typeColumn, String valueColumn) implements PersonRows {
        @Override
        public Optional<Dataset<Row>> keys(Scope scope, LakeTables lake, TableSpec table) {
            return Optional.of(scope.identifiers().toDF(typeColumn, valueColumn));
        }

        @Override
        public List<String> columns() {
            return List.of(typeColumn, valueColumn);
        }

        @Override
        public String describe() {
            return "erased by identifier (`" + typeColumn + "`, `" + valueColumn + "`)";
        }
    }

    /**
     * Rows from a source line that carried one of the identifiers: an event with a login email but no device of
     * the person's, a record whose subject is another identifier.
     */
    record BySourceLine() implements PersonRows {
        @Override
        public Optional<Dataset<Row>> keys(Scope scope, LakeTables lake, TableSpec table) {
            return Optional.ofNullable(scope.sourceLines());
        }

        @Override
        public List<String> columns() {
            return List.of(RawTables.SOURCE_FILE, RawTables.LINE_NUMBER);
        }

        @Override
        public String describe() {
            return "erased by source line (`" + RawTables.SOURCE_FILE + "`, `" + RawTables.LINE_NUMBER
                    + "`) when the line carried an erased identifier";
        }
    }

    /** Quarantined lines keep their text (emails, phones and IPs masked): found by the opaque identifiers in it. */
    record ByQuarantinedText() implements PersonRows {
        @Override
        public Optional<Dataset<Row>> keys(Scope scope, LakeTables lake, TableSpec table) {
            Dataset<Row> opaque = scope.identifiers()
                    .where(col(IdGraph.ID_TYPE)
                            .isin(
                                    IdType.COOKIE.key(),
                                    IdType.MAID.key(),
                                    IdType.CUSTOMER_ID.key(),
                                    IdType.PARTNER_ID.key())
                            .and(length(col(IdGraph.ID_VALUE)).geq(MIN_TEXT_MATCH)));
            return Optional.of(lake.read(table)
                    .join(broadcast(opaque), col(Quarantine.RAW).contains(col(IdGraph.ID_VALUE)))
                    .select(RawTables.SOURCE_FILE, RawTables.LINE_NUMBER)
                    .distinct()
                    .localCheckpoint());
        }

        @Override
        public List<String> columns() {
            return List.of(Quarantine.RAW, RawTables.SOURCE_FILE, RawTables.LINE_NUMBER);
        }

        @Override
        public String describe() {
            return "erased by the opaque identifiers found in `" + Quarantine.RAW + "`";
        }
    }

    /** Identifiers kept on purpose after an erasure, and why (a suppression list, removals still owed). */
    record Kept(String why) implements PersonRows {
        @Override
        public Optional<Dataset<Row>> keys(Scope scope, LakeTables lake, TableSpec table) {
            return Optional.empty();
        }

        @Override
        public List<String> columns() {
            return List.of();
        }

        @Override
        public String describe() {
            return "kept after erasure: " + why;
        }
    }
}
