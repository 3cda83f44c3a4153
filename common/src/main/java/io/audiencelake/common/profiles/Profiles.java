package io.audiencelake.common.profiles;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.profiles.ProfileRules.Trait;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The {@code profiles} table: one row per person and run date, one typed column per trait of traits.yaml. */
public final class Profiles {
    private Profiles() {}

    public static TableSpec spec(ProfileRules rules) {
        List<StructField> fields = new ArrayList<>(List.of(
                column(ProfileTraits.PERSON_ID, DataTypes.StringType, false, "stable person id (id_graph)"),
                column(ProfileTraits.IDENTIFIERS, DataTypes.LongType, false, "identifiers of the person in id_graph"),
                column(ProfileTraits.DEVICES, DataTypes.LongType, false, "cookies and mobile ad ids of the person"),
                column(
                        ProfileTraits.FIRST_SEEN,
                        DataTypes.TimestampType,
                        true,
                        "first observation of any identifier (UTC)"),
                column(
                        ProfileTraits.LAST_SEEN,
                        DataTypes.TimestampType,
                        true,
                        "latest observation of any identifier (UTC)")));
        for (Trait t : rules.traits()) {
            fields.add(column(
                    t.name(),
                    ProfileTraits.outputType(t).sparkType(),
                    true,
                    t.description() + " [" + t.kind().yamlName() + ", " + t.window() + "]"));
        }
        if (rules.rfm() != null) {
            fields.addAll(rfmColumns(rules.rfm()));
        }
        fields.add(column(ProfileTraits.DT, DataTypes.DateType, false, "run date (partition)"));
        return new TableSpec(
                "profiles",
                "One row per person as of a run date: identifiers, devices, first/last seen, behavioural traits over "
                        + "windows, declared attributes and RFM scores, as defined in traits.yaml.",
                "profiles",
                new StructType(fields.toArray(StructField[]::new)),
                List.of(ProfileTraits.DT),
                List.of(ProfileTraits.PERSON_ID, ProfileTraits.DT));
    }

    /** The RFM score columns: a quintile per dimension among buyers, and the three as one code. */
    private static List<StructField> rfmColumns(ProfileRules.Rfm rfm) {
        List<StructField> out = new ArrayList<>();
        out.add(column(
                RfmScores.RECENCY,
                DataTypes.IntegerType,
                true,
                "RFM recency quintile of " + rfm.recency() + " among buyers, 5 = most recent"));
        out.add(column(
                RfmScores.FREQUENCY,
                DataTypes.IntegerType,
                true,
                "RFM frequency quintile of " + rfm.frequency() + " among buyers, 5 = most frequent"));
        out.add(column(
                RfmScores.MONETARY,
                DataTypes.IntegerType,
                true,
                "RFM monetary quintile of " + rfm.monetary() + " among buyers, 5 = highest"));
        out.add(column(
                RfmScores.SCORE, DataTypes.StringType, true, "recency, frequency and monetary scores, e.g. 545"));
        return out;
    }
}
