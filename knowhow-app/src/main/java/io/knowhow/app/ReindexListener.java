package io.knowhow.app;

/** Hears how far a reindex is; both calls come on the reindexing thread. */
public interface ReindexListener {
    ReindexListener NONE = new ReindexListener() {
        @Override
        public void started(long totalChunks) {}

        @Override
        public void progressed(long chunksDone) {}
    };

    /** Called once, before the first chunk is re-embedded. */
    void started(long totalChunks);

    /** Called after each source, with the chunks done so far. */
    void progressed(long chunksDone);
}
