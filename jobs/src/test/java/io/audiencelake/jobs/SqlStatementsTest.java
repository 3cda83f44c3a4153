package io.audiencelake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class SqlStatementsTest {
    @Test
    void splitsAtSemicolonsOutsideQuotesAndComments() {
        assertEquals(
                List.of("SELECT ';' AS a", "SELECT 2", "SELECT `x;y` FROM t"),
                SqlStatements.split("SELECT ';' AS a;\n-- a comment; with a semicolon\nSELECT 2; SELECT `x;y` FROM t"));
    }

    @Test
    void keepsAnUnfinishedStatementForTheNextLine() {
        StringBuilder pending = new StringBuilder("SELECT 1;\nSELECT\n");
        assertEquals(List.of("SELECT 1"), SqlStatements.complete(pending));
        assertEquals("\nSELECT\n", pending.toString());
        pending.append("2;\n");
        assertEquals(List.of("SELECT\n2"), SqlStatements.complete(pending));
    }

    @Test
    void printsAlignedTablesAndTsv() {
        String[] columns = {"segment_id", "persons"};
        List<Row> rows = List.of(RowFactory.create("buyers", 12L), RowFactory.create("a", null));
        assertEquals(
                "segment_id | persons\n-----------+--------\nbuyers     | 12\na          | NULL\n2 rows\n\n",
                SqlStatements.table(columns, rows, 100));
        assertEquals("segment_id\tpersons\nbuyers\t12\n", SqlStatements.tsv(columns, rows, 1));
    }
}
