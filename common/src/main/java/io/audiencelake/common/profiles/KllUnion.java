package io.audiencelake.common.profiles;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;
import org.apache.spark.sql.functions;

/**
 * Unions serialized KLL sketches of doubles (as {@code kll_sketch_agg_double} writes them) into one. Spark 4.1
 * builds, merges two and reads KLL sketches but has no aggregate that unions a column of them; this is that
 * aggregate, on the same DataSketches library Spark uses, so the bytes stay Spark's format.
 */
final class KllUnion extends Aggregator<byte[], byte[], byte[]> {
    private static final long serialVersionUID = 1L;
    private static final byte[] NONE = new byte[0];

    static Column of(Column sketches) {
        return functions.udaf(new KllUnion(), Encoders.BINARY()).apply(sketches);
    }

    @Override
    public byte[] zero() {
        return NONE;
    }

    @Override
    public byte[] reduce(byte[] union, byte[] sketch) {
        return merge(union, sketch);
    }

    @Override
    public byte[] merge(byte[] a, byte[] b) {
        if (b == null || b.length == 0) {
            return a;
        }
        if (a == null || a.length == 0) {
            return b;
        }
        KllDoublesSketch union = KllDoublesSketch.heapify(Memory.wrap(a));
        union.merge(KllDoublesSketch.heapify(Memory.wrap(b)));
        return union.toByteArray();
    }

    /** Null when no input had a sketch (no rows in the window), like the other merged partials. */
    @Override
    public byte[] finish(byte[] union) {
        return union.length == 0 ? null : union;
    }

    @Override
    public Encoder<byte[]> bufferEncoder() {
        return Encoders.BINARY();
    }

    @Override
    public Encoder<byte[]> outputEncoder() {
        return Encoders.BINARY();
    }
}
