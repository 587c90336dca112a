package io.knowhow.store.lucene;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

import java.util.Locale;

import static org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH;
import static org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN;

/**
 * How chunk vectors are kept in the HNSW graph. Every quantized format also keeps the float vectors, so
 * the store rescores its quantized candidates with full precision: scores are exact cosines whatever the
 * format, and the format only trades graph-search memory and speed against recall.
 *
 * <p>The choice applies to segments written from now on; Lucene records the format of each segment, so
 * an index written with one format opens with any other (old segments keep theirs until merged).
 */
public enum VectorFormat {
    /** 32-bit floats in the graph: the most memory, no quantization error. */
    FLOAT32,
    /** 8 bits per dimension (Lucene's optimized scalar quantization): a quarter of the memory. */
    INT8,
    /** 7 bits per dimension: like {@link #INT8}, kept for comparison. */
    INT7,
    /** 4 bits per dimension, two per byte: an eighth of the memory. */
    INT4,
    /** 1 bit per dimension, queries at 4 bits: a thirty-second of the memory; needs oversampling. */
    BINARY;

    /** The Lucene format that implements this choice, with Lucene's default graph. */
    KnnVectorsFormat luceneFormat() {
        return luceneFormat(DEFAULT_MAX_CONN, DEFAULT_BEAM_WIDTH);
    }

    /**
     * The Lucene format that implements this choice, its graph built with {@code maxConn} and {@code beamWidth}.
     * Public for the benchmarks that build plain Lucene indexes the way the store does.
     */
    public KnnVectorsFormat luceneFormat(int maxConn, int beamWidth) {
        return switch (this) {
            case FLOAT32 -> new Lucene99HnswVectorsFormat(maxConn, beamWidth);
            case INT8 -> quantized(ScalarEncoding.UNSIGNED_BYTE, maxConn, beamWidth);
            case INT7 -> quantized(ScalarEncoding.SEVEN_BIT, maxConn, beamWidth);
            case INT4 -> quantized(ScalarEncoding.PACKED_NIBBLE, maxConn, beamWidth);
            case BINARY -> quantized(ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE, maxConn, beamWidth);
        };
    }

    public static VectorFormat parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Unknown vector format '" + s + "': use float32, int8, int7, int4 or binary");
        }
    }

    private static KnnVectorsFormat quantized(ScalarEncoding encoding, int maxConn, int beamWidth) {
        return new Lucene104HnswScalarQuantizedVectorsFormat(encoding, maxConn, beamWidth);
    }
}
