package io.knowhow.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Ctrl-C for a training run that polls a cancel flag: the shutdown hook raises the flag and holds the JVM
 * until the run has written its checkpoint and returned (at most two minutes), so the checkpoint is whole.
 */
final class CancelOnShutdown implements BooleanSupplier, AutoCloseable {
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean cancelled;

    CancelOnShutdown() {
        hook = new Thread(() -> {
            cancelled = true;
            try {
                finished.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "knowhow-tune-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public boolean getAsBoolean() {
        return cancelled;
    }

    /** Marks the run as returned (its checkpoint, if any, is on disk) and passes its result through. */
    <T> T finish(T result) {
        finished.countDown();
        return result;
    }

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
