package io.audiencelake.common.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/** The job meter behind each run's split of its own work into Spark jobs and driver time. */
class SparkJobMeterTest {

    @Test
    void countsTheJobsOfActionsAndTheTimeTheyRan() {
        SparkSession spark = TestLake.spark();
        SparkJobMeter meter = SparkJobMeter.of(spark.sparkContext());
        assertTrue(meter == SparkJobMeter.of(spark.sparkContext()), "one meter per application");
        SparkJobMeter.Reading before = meter.read(2_000);
        // Each collect of an RDD runs exactly one job; the second waits a little in every task.
        spark.sparkContext()
                .parallelize(
                        CollectionConverters.asScala(List.of(1, 2, 3, 4)).toSeq(),
                        2,
                        ClassTag$.MODULE$.apply(Integer.class))
                .count();
        spark.range(0, 4, 1, 2)
                .toJavaRDD()
                .map(x -> {
                    Thread.sleep(150);
                    return x;
                })
                .collect();
        SparkJobMeter.Reading during = meter.read(2_000).since(before);
        assertEquals(2, during.jobs());
        assertTrue(during.busyMillis() >= 300, "two rounds of 150 ms tasks: " + during);

        SparkJobMeter.Reading idle = meter.read(2_000);
        assertEquals(new SparkJobMeter.Reading(0, 0), meter.read(2_000).since(idle), "no job, no time");
    }
}
