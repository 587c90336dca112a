package io.knowhow.tune.generate;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Spreads the numbered tasks of one job over the calling thread and a team of helper threads (one per
 * other core), without allocating: each participant owns a contiguous run of task numbers and, once
 * done with it, takes tasks from the ends of the others' runs, which also balances tasks of unequal cost.
 *
 * <p>Why not the common {@link java.util.concurrent.ForkJoinPool}: a decoding step is ~120 jobs of 20–200 µs
 * each, and an idle pool worker parks between them; waking it costs a good part of a job, so the second
 * core did little (Q8 decoding ran at 1.3× one core's speed). The helpers here spin for a short while
 * after a job ({@link #SPIN_NANOS}) before they park, so within a step they are awake when the next job
 * comes, and between generations they sleep. One team serves the process: a job that finds it busy (a
 * second generation at the same moment) runs on its own thread, which on a machine with no core to spare
 * is what the team would give it anyway.
 */
final class CoreSplit {
    /** One job's work, by task number. */
    interface Job {
        void run(int task);
    }

    /** How long a helper waits awake for the next job before it parks: longer than the gaps within a step. */
    static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    /** Longs between two participants' runs: a cache line, so an owner's claims do not slow the others'. */
    private static final int STRIDE = 16;

    private static final Team TEAM = new Team(Math.min(Runtime.getRuntime().availableProcessors(), 64) - 1);

    /** Runs {@code job} for tasks 0 to {@code tasks - 1} and returns when all have run. */
    void run(int tasks, Job job) {
        if (tasks <= 1 || TEAM.helpers.length == 0 || !TEAM.lock.tryLock()) {
            for (int t = 0; t < tasks; t++) job.run(t);
            return;
        }
        try {
            TEAM.run(tasks, job);
        } finally {
            TEAM.lock.unlock();
        }
    }

    private static final class Team {
        final ReentrantLock lock = new ReentrantLock();
        final Helper[] helpers;
        /**
         * Per participant (0 = the caller, i = helper i), its contiguous run of task numbers packed as
         * {@code front << 32 | end}, a cache line apart: the owner takes from the front, the others steal from
         * the end once their own run is done.
         */
        final AtomicLongArray runs;
        /** Helpers inside the current job, or -1 once it is closed: a helper that wakes late does not enter it. */
        final AtomicInteger inside = new AtomicInteger(-1);
        volatile long epoch;
        volatile Job job;
        volatile Throwable failure;

        Team(int helperCount) {
            helpers = new Helper[Math.max(0, helperCount)];
            runs = new AtomicLongArray((helpers.length + 1) * STRIDE);
            for (int i = 0; i < helpers.length; i++) {
                helpers[i] = new Helper(i + 1);
                helpers[i].start();
            }
        }

        void run(int tasks, Job job) {
            this.job = job;
            failure = null;
            int participants = helpers.length + 1;
            for (int p = 0; p < participants; p++)
                runs.set(p * STRIDE, (long) (p * tasks / participants) << 32 | (long) (p + 1) * tasks / participants);
            inside.set(0);
            epoch++; // after the fields above: a helper that sees the new epoch, or enters, sees them
            for (Helper h : helpers) if (h.parked) LockSupport.unpark(h);
            Throwable mine = null;
            try {
                drain(job, 0);
            } catch (Throwable e) {
                mine = e;
                stop();
            }
            // Close the job once no helper is inside it (even when a task failed here: helpers write into the
            // generation's buffers). A helper still parked or spinning elsewhere is not waited for.
            for (int spins = 0; !inside.compareAndSet(0, -1); spins++) {
                if (spins < 10_000) Thread.onSpinWait();
                else Thread.yield(); // a helper descheduled on a busy machine needs this core to finish
            }
            this.job = null;
            Throwable theirs = failure;
            if (mine != null) rethrow(mine);
            if (theirs != null) rethrow(theirs);
        }

        /**
         * Runs participant {@code me}'s own tasks front to back, then steals from the others' ends. A thread
         * thus reads one contiguous stretch of a matrix for most of a job, which the hardware prefetcher
         * follows (one shared counter handing out 16-row tasks ran Q8 decoding at 60% of the speed).
         */
        private void drain(Job job, int me) {
            for (int t = takeFront(me); t >= 0; t = takeFront(me)) job.run(t);
            int participants = helpers.length + 1;
            for (int i = 1; i < participants; i++) {
                int victim = (me + i) % participants;
                for (int t = takeEnd(victim); t >= 0; t = takeEnd(victim)) job.run(t);
            }
        }

        private int takeFront(int p) {
            while (true) {
                long run = runs.get(p * STRIDE);
                int front = (int) (run >>> 32), end = (int) run;
                if (front >= end) return -1;
                if (runs.compareAndSet(p * STRIDE, run, (long) (front + 1) << 32 | end)) return front;
            }
        }

        private int takeEnd(int p) {
            while (true) {
                long run = runs.get(p * STRIDE);
                int front = (int) (run >>> 32), end = (int) run;
                if (front >= end) return -1;
                if (runs.compareAndSet(p * STRIDE, run, (long) front << 32 | (end - 1))) return end - 1;
            }
        }

        /** Empties every run, so that no participant starts another task. */
        private void stop() {
            for (int p = 0; p <= helpers.length; p++) runs.set(p * STRIDE, 0L);
        }

        /** Enters the open job, if any, and takes tasks until none is left. */
        private void help(int me) {
            for (int n = inside.get(); ; n = inside.get()) {
                if (n < 0) return;
                if (inside.compareAndSet(n, n + 1)) break;
            }
            try {
                drain(job, me);
            } catch (Throwable e) {
                failure = e;
                stop();
            } finally {
                inside.decrementAndGet();
            }
        }

        private static void rethrow(Throwable e) {
            if (e instanceof RuntimeException r) throw r;
            if (e instanceof Error err) throw err;
            throw new IllegalStateException(e);
        }

        private final class Helper extends Thread {
            volatile boolean parked;
            private final int number;

            Helper(int number) {
                super("knowhow-decode-" + number);
                this.number = number;
                setDaemon(true);
            }

            @Override
            public void run() {
                long seen = epoch;
                while (true) {
                    long deadline = System.nanoTime() + SPIN_NANOS;
                    while (epoch == seen) {
                        if (System.nanoTime() < deadline) {
                            Thread.onSpinWait();
                            continue;
                        }
                        parked = true;
                        if (epoch == seen) LockSupport.park(this); // run() unparks once the epoch moved
                        parked = false;
                        deadline = System.nanoTime() + SPIN_NANOS;
                    }
                    seen = epoch;
                    help(number);
                }
            }
        }
    }
}
