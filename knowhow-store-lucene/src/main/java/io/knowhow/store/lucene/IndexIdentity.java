package io.knowhow.store.lucene;

import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.port.StoreIdentity;

import java.util.Map;
import java.util.Optional;

import static io.knowhow.store.lucene.IndexLayout.DIMENSION_KEY;
import static io.knowhow.store.lucene.IndexLayout.EMBEDDER_KEY;
import static io.knowhow.store.lucene.IndexLayout.FORMAT_KEY;
import static io.knowhow.store.lucene.IndexLayout.FORMAT_VERSION;
import static io.knowhow.store.lucene.IndexLayout.VECTOR;

/**
 * The identity an index records in its commit user data (see {@link IndexLayout}): layout version,
 * embedder id and vector dimension, and the checks that follow from it — on opening, and on every
 * vector that goes in or comes as a query.
 */
final class IndexIdentity {
    /** Tolerance on the norm of stored and query vectors; embedders promise unit vectors. */
    private static final double NORM_TOLERANCE = 1e-2;

    private IndexIdentity() {}

    /** The user data of a new index's first commit, and of every commit a writer makes (it writes the current format). */
    static Map<String, String> commitData(StoreIdentity identity) {
        return Map.of(FORMAT_KEY, String.valueOf(FORMAT_VERSION), EMBEDDER_KEY, identity.embedderId(),
                DIMENSION_KEY, String.valueOf(identity.dimension()));
    }

    /** What a commit says its vectors are; empty when it does not say (not written by knowhow). */
    static Optional<StoreIdentity> read(Map<String, String> data) {
        String id = data.get(EMBEDDER_KEY), dim = data.get(DIMENSION_KEY);
        if (id == null || dim == null) return Optional.empty();
        try {
            return Optional.of(new StoreIdentity(id, Integer.parseInt(dim)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Refuses an index whose commit says it is not a knowhow index, is of another layout version, or holds
     * vectors of another embedder than {@code expected}.
     */
    static void check(Map<String, String> data, StoreIdentity expected, String location) {
        check(data, expected, location, false);
    }

    /**
     * As {@link #check(Map, StoreIdentity, String)}; a reader also accepts the older formats this version still reads,
     * a writer those it can bring up to date in place ({@link IndexLayout#OLDEST_WRITABLE_FORMAT}; an older one would
     * get documents analysed another way).
     */
    static void check(Map<String, String> data, StoreIdentity expected, String location, boolean reading) {
        String format = data.get(FORMAT_KEY);
        if (format == null)
            throw new KnowledgeBaseUnavailableException("Knowledge base " + location + " holds a Lucene index that knowhow "
                    + "did not write (its commit has no " + FORMAT_KEY + "): give knowhow its own directory");
        int version = format(data);
        if (version > FORMAT_VERSION)
            throw new IncompatibleKnowledgeBaseException("Knowledge base " + location + " has store format " + format
                    + ", newer than this knowhow's " + FORMAT_VERSION + ": upgrade knowhow, or use the version that wrote it");
        if (version < (reading ? IndexLayout.OLDEST_READABLE_FORMAT : IndexLayout.OLDEST_WRITABLE_FORMAT))
            throw new IncompatibleKnowledgeBaseException("Knowledge base " + location + " has store format " + format
                    + " (written by an older knowhow), expected " + FORMAT_VERSION + ": run `knowhow reindex` to rebuild it in the"
                    + " current format; it can still be searched until then");
        String foundEmbedder = data.get(EMBEDDER_KEY);
        String foundDimension = data.get(DIMENSION_KEY);
        if (!expected.embedderId().equals(foundEmbedder) || !String.valueOf(expected.dimension()).equals(foundDimension))
            throw new IncompatibleKnowledgeBaseException("Knowledge base " + location + " was built with another embedding "
                    + "model: expected '" + expected.embedderId() + "' (" + expected.dimension() + " dimensions), found '"
                    + foundEmbedder + "' (" + foundDimension + " dimensions); re-ingest into a new --kb, or run with the "
                    + "model it was built with");
    }

    /** The layout version a commit records; 0 when it records none or an unreadable one. */
    static int format(Map<String, String> data) {
        try {
            return Integer.parseInt(data.getOrDefault(FORMAT_KEY, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The identity of an open request, checked before anything touches the disk. */
    static StoreIdentity of(String location, String embedderId, int dimension, LuceneStoreOptions options) {
        if (embedderId == null || embedderId.isBlank())
            throw new IllegalArgumentException("Knowledge base " + location + ": the embedder id must not be blank");
        int max = options.vectorFormat().luceneFormat().getMaxDimensions(VECTOR);
        if (dimension < 1 || dimension > max)
            throw new IllegalArgumentException("Knowledge base " + location + ": vector dimension must be between 1 and "
                    + max + " for vector format " + options.vectorFormat() + ", got " + dimension);
        return new StoreIdentity(embedderId, dimension);
    }

    /** Refuses a vector of another length than the index's, or one that is not of unit length. */
    static void checkVector(float[] vector, String what, StoreIdentity identity, String location) {
        if (vector.length != identity.dimension())
            throw new IllegalArgumentException("The vector of " + what + " has " + vector.length + " dimensions, but knowledge base "
                    + location + " holds " + identity.dimension() + "-dimensional vectors of embedder '" + identity.embedderId() + "'");
        double sumSquares = 0;
        for (float x : vector) sumSquares += (double) x * x;
        double norm = Math.sqrt(sumSquares);
        // NaN fails this comparison too, which is what we want.
        if (!(Math.abs(norm - 1) <= NORM_TOLERANCE))
            throw new IllegalArgumentException("The vector of " + what + " has L2 norm " + norm + "; knowledge base " + location
                    + " ranks by dot product and needs L2-normalised vectors");
    }
}
