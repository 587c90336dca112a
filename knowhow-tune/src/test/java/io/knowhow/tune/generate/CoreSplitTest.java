package io.knowhow.tune.generate;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The helper team decoding spreads its rows over: every task once, failures surfaced, jobs from several generations. */
class CoreSplitTest {

    @Test
    void everyTaskRunsExactlyOnceInEveryJob() {
        CoreSplit cores = new CoreSplit();
        for (int tasks : new int[] {0, 1, 2, 3, 7, 64, 769}) {
            for (int job = 0; job < 200; job++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
                cores.run(tasks, runs::incrementAndGet);
                for (int t = 0; t < tasks; t++) assertThat(runs.get(t)).as("task %d of %d", t, tasks).isEqualTo(1);
            }
        }
    }

    @Test
    void aFailingTaskReachesTheCallerAndTheNextJobStillRunsWhole() {
        CoreSplit cores = new CoreSplit();
        for (int failing : new int[] {0, 31, 63}) { // the caller's own run, the middle, a helper's end
            assertThatThrownBy(() -> cores.run(64, t -> {
                if (t == failing) throw new IllegalStateException("task " + t + " failed");
            })).isInstanceOf(IllegalStateException.class).hasMessage("task " + failing + " failed");
            AtomicIntegerArray runs = new AtomicIntegerArray(64);
            cores.run(64, runs::incrementAndGet);
            for (int t = 0; t < 64; t++) assertThat(runs.get(t)).isEqualTo(1);
        }
    }

    @Test
    void generationsOnSeveralThreadsAtOnceEachGetEveryTask() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<?>[] done = new Future<?>[threads];
            for (int i = 0; i < threads; i++) {
                done[i] = pool.submit(() -> {
                    CoreSplit cores = new CoreSplit(); // one per generation, as DecodingState holds it
                    start.await();
                    for (int job = 0; job < 300; job++) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(100);
                        cores.run(100, runs::incrementAndGet);
                        for (int t = 0; t < 100; t++) assertThat(runs.get(t)).isEqualTo(1);
                    }
                    return null;
                });
            }
            start.countDown();
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
    }
}
