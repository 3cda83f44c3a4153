package io.audiencelake.jobs;

import io.audiencelake.common.lake.TableSpec;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.types.StructField;

/** The data products as a Markdown page: an index, then each table's owner, schema, freshness and a query. */
final class DataProductPage {
    /** One table as found in the lake: its product definition and, once written, its stored state. */
    record Entry(
            LakeCatalog.DataProduct product,
            String qualifiedName,
            boolean exists,
            LocalDate freshness,
            Instant lastCommit) {}

    private DataProductPage() {}

    static String render(String environment, String source, String format, String owner, List<Entry> entries) {
        StringBuilder md = new StringBuilder();
        md.append("# audiencelake data products\n\n")
                .append(
                        "Every table the audiencelake jobs write, as a data product: what it holds, who owns it, how it is ")
                .append(
                        "partitioned, how fresh it is and a query to start from. Written by `audiencelake catalog` for the `")
                .append(environment)
                .append("` environment (`")
                .append(source)
                .append("`), table format **")
                .append(format)
                .append("**, team `")
                .append(owner)
                .append("`. Query the tables with `scripts/sql` (Spark SQL with the ")
                .append("lake catalog configured).\n\n")
                .append("| table | domain | freshness | description |\n|---|---|---|---|\n");
        for (Entry e : entries) {
            md.append("| [`")
                    .append(e.product().spec().name())
                    .append("`](#")
                    .append(e.product().spec().name())
                    .append(") | ")
                    .append(e.product().spec().domain())
                    .append(" | ")
                    .append(freshness(e))
                    .append(" | ")
                    .append(cell(firstSentence(e.product().spec().description())))
                    .append(" |\n");
        }
        for (Entry e : entries) {
            section(md, e, owner);
        }
        return md.toString();
    }

    /** One table's section: description, where to query it, owner, partitioning, person data, schema, a query. */
    private static void section(StringBuilder md, Entry e, String owner) {
        TableSpec spec = e.product().spec();
        md.append("\n## ")
                .append(spec.name())
                .append("\n\n")
                .append(spec.description())
                .append("\n\n")
                .append("- **Query as:** `")
                .append(e.qualifiedName())
                .append("`\n")
                .append("- **Owner domain:** ")
                .append(spec.domain())
                .append(" (team `")
                .append(owner)
                .append("`)\n")
                .append("- **Partitioned by:** ")
                .append(
                        spec.partitionColumns().isEmpty()
                                ? "not partitioned"
                                : String.join(", ", spec.partitionColumns()))
                .append('\n')
                .append("- **Key:** ")
                .append(spec.keyColumns().isEmpty() ? "none" : String.join(", ", spec.keyColumns()))
                .append('\n')
                .append("- **Person data:** ")
                .append(
                        e.product().holdsPersonData()
                                ? String.join(
                                        "; ",
                                        e.product().personRows().stream()
                                                .map(PersonRows::describe)
                                                .toList())
                                : "none")
                .append('\n')
                .append("- **Sources:** ")
                .append(String.join(", ", e.product().sources()))
                .append('\n')
                .append("- **Freshness:** ")
                .append(freshness(e));
        if (e.lastCommit() != null) {
            md.append(" (last commit ").append(e.lastCommit()).append(')');
        }
        schema(md, spec);
        md.append("\n```sql\n").append(e.product().query(e.qualifiedName())).append(";\n```\n");
    }

    /** The table's columns with their types and comments. */
    private static void schema(StringBuilder md, TableSpec spec) {
        md.append("\n\n| column | type | comment |\n|---|---|---|\n");
        for (StructField f : spec.schema().fields()) {
            md.append("| `")
                    .append(f.name())
                    .append("` | ")
                    .append(f.dataType().simpleString())
                    .append(" | ")
                    .append(cell(f.getComment().isDefined() ? f.getComment().get() : ""))
                    .append(" |\n");
        }
        if (spec.name().startsWith("profile")) {
            md.append("| ... | | trait columns as defined in traits.yaml |\n");
        }
    }

    private static String freshness(Entry e) {
        if (!e.exists()) {
            return "not written yet";
        }
        return e.freshness() == null
                ? "written (no succeeded run recorded)"
                : e.freshness().toString();
    }

    private static String firstSentence(String text) {
        int end = text.indexOf(". ");
        return end < 0 ? text : text.substring(0, end + 1);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
