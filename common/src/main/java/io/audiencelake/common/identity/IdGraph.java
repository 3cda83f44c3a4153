package io.audiencelake.common.identity;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.lake.Versions;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The {@code id_graph} table: which person every identifier belongs to, one snapshot per run date. */
public final class IdGraph {
    public static final String PERSON_ID = "person_id";
    public static final String ID_TYPE = IdentifierNodes.ID_TYPE;
    public static final String ID_VALUE = IdentifierNodes.ID_VALUE;
    public static final String HASHED = "hashed";
    public static final String FIRST_SEEN = "first_seen";
    public static final String LAST_SEEN = "last_seen";
    public static final String PERSON_SIZE = "person_size";
    public static final String OVERSIZED = "oversized";
    /** The run date a version began on. */
    public static final String VALID_FROM = Versions.VALID_FROM;
    /** The run date a version ended on (it is not part of the graph of that date), null while current. */
    public static final String VALID_TO = Versions.VALID_TO;
    /** How a version began: {@link #ADDED} or {@link #MOVED}. */
    public static final String CHANGE = Versions.CHANGE;
    /** How a version ended: {@link #MOVED}, {@link #EXPIRED} or {@link #REMOVED}; null while current. */
    public static final String ENDED = Versions.ENDED;
    /** Not a stored column: the date of a graph read as of a date ({@link GraphVersions#asOf}). */
    public static final String DT = "dt";

    /** A new identifier. */
    public static final String ADDED = Versions.ADDED;
    /** The identifier changed person (a merge or a split). */
    public static final String MOVED = Versions.MOVED;
    /** Not seen for identity.yaml's {@code expiry.inactive_days} of its type. */
    public static final String EXPIRED = "expired";
    /** Left the graph for another reason: cut as noise, or its observations are gone. */
    public static final String REMOVED = Versions.REMOVED;

    public static final TableSpec SPEC = new TableSpec(
            "id_graph",
            "Every identifier and the stable person id it belongs to, as versions: a version lasts from the run "
                    + "that put the identifier in a person (valid_from) to the run that moved, expired or removed "
                    + "it (valid_to, null while current). The graph as of date D is the rows with valid_from <= D "
                    + "and (valid_to is null or valid_to > D). Person ids persist from run to run: a person keeps "
                    + "the id of the earlier person it overlaps most.",
            "identity",
            new StructType(new StructField[] {
                column(PERSON_ID, DataTypes.StringType, false, "stable person id"),
                column(ID_TYPE, DataTypes.StringType, false, "email, phone, maid, cookie, customer_id, partner_id"),
                column(ID_VALUE, DataTypes.StringType, false, "identifier (SHA-256 for email and phone)"),
                column(HASHED, DataTypes.BooleanType, false, "id_value is a SHA-256 hash"),
                column(FIRST_SEEN, DataTypes.TimestampType, false, "first observation (UTC)"),
                column(
                        LAST_SEEN,
                        DataTypes.TimestampType,
                        false,
                        "latest observation (UTC) as of the latest run of the version"),
                column(
                        PERSON_SIZE,
                        DataTypes.LongType,
                        false,
                        "identifiers of this person as of the latest run of the version"),
                column(
                        OVERSIZED,
                        DataTypes.BooleanType,
                        false,
                        "the person has more identifiers than clustering.max_cluster_size: probably wrongly merged"),
                column(VALID_FROM, DataTypes.DateType, false, "run date the version began"),
                column(VALID_TO, DataTypes.DateType, true, "run date the version ended; null while current"),
                column(CHANGE, DataTypes.StringType, false, "how the version began: added or moved"),
                column(ENDED, DataTypes.StringType, true, "how the version ended: moved, expired or removed")
            }),
            List.of(),
            List.of(ID_TYPE, ID_VALUE, VALID_FROM));

    private IdGraph() {}
}
