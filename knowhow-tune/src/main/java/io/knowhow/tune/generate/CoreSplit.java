package io.knowhow.tune.generate;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Spreads the numbered tasks of one job over the common {@link ForkJoinPool} and the calling thread,
 * without allocating: the helper actions are made once and re-forked for every job, and each
 * participant takes the next task number from one counter until none is left (which also balances
 * tasks of unequal cost). One per generation; not for concurrent jobs.
 *
 * <p>Why not a parallel stream: it allocates spliterators and fork/join tasks on every call, and a
 * decoding step makes a few hundred such calls.
 */
final class CoreSplit {
    /** One job's work, by task number. */
    interface Job {
        void run(int task);
    }

    private final Helper[] helpers;
    private final AtomicInteger next = new AtomicInteger();
    private Job job;   // written before the helpers are forked, read by them: fork() orders the two
    private int tasks;

    CoreSplit() {
        helpers = new Helper[ForkJoinPool.getCommonPoolParallelism()];
        for (int i = 0; i < helpers.length; i++) helpers[i] = new Helper();
    }

    /** Runs {@code job} for tasks 0 to {@code tasks - 1} and returns when all have run. */
    void run(int tasks, Job job) {
        int forked = Math.min(helpers.length, tasks - 1);
        if (forked <= 0) {
            for (int t = 0; t < tasks; t++) job.run(t);
            return;
        }
        this.job = job;
        this.tasks = tasks;
        next.set(0);
        for (int i = 0; i < forked; i++) {
            helpers[i].reinitialize();
            helpers[i].fork();
        }
        try {
            drain();
        } finally {
            // Even when a task failed here, wait for the helpers: they write into the generation's buffers.
            // Last forked first: a helper no worker has taken yet is then on top of this thread's queue,
            // and join() runs it here instead of waiting.
            for (int i = forked - 1; i >= 0; i--) helpers[i].join();
        }
    }

    private void drain() {
        for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) job.run(t);
    }

    private final class Helper extends RecursiveAction {
        @Override
        protected void compute() {
            drain();
        }
    }
}
