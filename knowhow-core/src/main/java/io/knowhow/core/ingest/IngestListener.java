package io.knowhow.core.ingest;

/** Follows an ingest run, e.g. to draw a progress bar. Called on the ingesting thread. */
public interface IngestListener {
    IngestListener NONE = new IngestListener() {};

    default void started(int totalFiles) {}

    default void fileDone(IngestReport.FileResult result) {}
}
