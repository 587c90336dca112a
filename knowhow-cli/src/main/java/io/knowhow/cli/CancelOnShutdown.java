package io.knowhow.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for a long run: the shutdown hook asks the run to stop ({@code onCancel}) and holds the JVM until
 * the run has written its checkpoint and returned (at most two minutes), so the checkpoint is whole.
 */
final class CancelOnShutdown implements AutoCloseable {
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean cancelled;

    CancelOnShutdown(Runnable onCancel) {
        hook = new Thread(() -> {
            cancelled = true;
            onCancel.run();
            try {
                finished.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "knowhow-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Marks the run as returned (its checkpoint, if any, is on disk) and lets a waiting hook end the JVM. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running and waits for us.
        }
    }
}
