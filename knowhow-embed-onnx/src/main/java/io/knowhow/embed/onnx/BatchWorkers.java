package io.knowhow.embed.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the batches of one call side by side on a fixed pool of daemon threads, or on the calling
 * thread when the pool has one thread or the call one batch.
 */
final class BatchWorkers implements AutoCloseable {
    /** Null when batches run on the calling thread. */
    private final ExecutorService pool;

    BatchWorkers(int threads, String modelName) {
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemonThreads(modelName)) : null;
    }

    /**
     * Runs every batch and returns when all have finished, even when interrupted (see below); the
     * first failure is rethrown.
     *
     * @param what names the work in the message for an interrupt
     */
    void runAll(List<Runnable> batches, String what) {
        if (pool == null || batches.size() == 1) {
            batches.forEach(Runnable::run);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(batches.size());
        for (Runnable batch : batches) {
            futures.add(pool.submit(batch));
        }
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Future<?> future : futures) {
            // Native runs cannot be cancelled; returning before they finish would let close() free the
            // session under them. So an interrupt cancels what has not started and still waits for the rest.
            while (true) {
                try {
                    future.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    futures.forEach(f -> f.cancel(false));
                } catch (CancellationException e) {
                    break;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException re ? re
                                : new IllegalStateException("embedding batch failed", e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            if (failure == null) {
                failure = new IllegalStateException("interrupted while " + what);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Lets running batches finish; starts no new ones. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    private static ThreadFactory daemonThreads(String modelName) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "knowhow-embed-" + modelName + "-" + count.incrementAndGet());
            thread.setDaemon(true); // an embedder that was never closed must not keep the JVM alive
            return thread;
        };
    }
}
