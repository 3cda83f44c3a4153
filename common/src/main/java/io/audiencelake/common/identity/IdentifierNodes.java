package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;

/**
 * Identifiers as graph nodes: (id type, value) and a 64-bit node number that joins and label
 * propagation use instead of strings. At 10^8 identifiers the chance of any two numbers colliding is
 * about 3 in 10,000; a collision would merge two identifiers' persons.
 */
public final class IdentifierNodes {
    public static final String ID_TYPE = "id_type";
    public static final String ID_VALUE = "id_value";
    public static final String NODE = "node";
    public static final String SOURCE = "source";

    private IdentifierNodes() {}

    /** The node number of an identifier. */
    public static Column node(Column idType, Column idValue) {
        return xxhash64(idType, idValue);
    }

    public static Column node() {
        return node(col(ID_TYPE), col(ID_VALUE));
    }
}
