package io.audiencelake.common.privacy;

import static org.apache.spark.sql.functions.col;

import io.audiencelake.common.identity.IdGraph;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Whom a set of erasure requests reaches: every person id any snapshot of id_graph gives the requested
 * identifiers, and every identifier those persons ever had (a person's cookie is erased with their email).
 */
public final class ErasureScope {
    private ErasureScope() {}

    /** (request_id, person_id): the persons each request reaches. */
    public static Dataset<Row> persons(Dataset<Row> requests, Dataset<Row> idGraphs) {
        return requests.select(ErasureRequests.REQUEST_ID, ErasureRequests.ID_TYPE, ErasureRequests.ID_VALUE)
                .join(
                        idGraphs.select(IdGraph.ID_TYPE, IdGraph.ID_VALUE, IdGraph.PERSON_ID),
                        new String[] {IdGraph.ID_TYPE, IdGraph.ID_VALUE})
                .select(ErasureRequests.REQUEST_ID, IdGraph.PERSON_ID)
                .distinct();
    }

    /**
     * (request_id, id_type, id_value, person_id): each request's own identifier (person null when id_graph
     * knew none) and every identifier of every person it reached.
     */
    public static Dataset<Row> scope(Dataset<Row> requests, Dataset<Row> persons, Dataset<Row> idGraphs) {
        Dataset<Row> ofPersons = idGraphs.select(IdGraph.ID_TYPE, IdGraph.ID_VALUE, IdGraph.PERSON_ID)
                .join(
                        persons.select(ErasureRequests.REQUEST_ID, IdGraph.PERSON_ID)
                                .distinct(),
                        IdGraph.PERSON_ID)
                .select(ErasureRequests.REQUEST_ID, IdGraph.ID_TYPE, IdGraph.ID_VALUE, IdGraph.PERSON_ID);
        Dataset<Row> asked = requests.select(
                col(ErasureRequests.REQUEST_ID),
                col(ErasureRequests.ID_TYPE).as(IdGraph.ID_TYPE),
                col(ErasureRequests.ID_VALUE).as(IdGraph.ID_VALUE),
                org.apache
                        .spark
                        .sql
                        .functions
                        .lit(null)
                        .cast(DataTypes.StringType)
                        .as(IdGraph.PERSON_ID));
        return ofPersons
                .unionByName(asked)
                .dropDuplicates(ErasureRequests.REQUEST_ID, IdGraph.ID_TYPE, IdGraph.ID_VALUE);
    }
}
