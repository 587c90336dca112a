package io.knowhow.server.jobs;

/** Thrown inside a job's work (from a progress callback) to stop it after a cancel request. */
public final class JobCancelledException extends RuntimeException {
    public JobCancelledException() {
        super("cancelled", null, false, false);
    }
}
