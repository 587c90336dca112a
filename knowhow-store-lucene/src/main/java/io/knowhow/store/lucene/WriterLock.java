package io.knowhow.store.lucene;

import io.knowhow.core.port.KnowledgeBaseBusyException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.IOUtils;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * One writer at a time: obtains a Lucene lock, retrying while another process (or another store in this
 * process) holds it, for up to a given time, then gives up with {@link KnowledgeBaseBusyException}.
 *
 * <p>The locks are Lucene's {@code NativeFSLock}s: the operating system releases them when the holding
 * process dies, so a killed writer never leaves a knowledge base locked.
 */
final class WriterLock {
    /** How long to sleep between attempts: short against the wait a user gives, long against a syscall. */
    private static final long RETRY_MILLIS = 50;

    private WriterLock() {}

    /**
     * Obtains lock {@code name} in {@code directory}, waiting up to {@code wait} for its holder to let go.
     *
     * @throws KnowledgeBaseBusyException when it is still held after {@code wait}
     */
    static Lock obtain(Directory directory, String name, Duration wait, String location) {
        long start = System.nanoTime();
        long deadline = start + Math.max(0, wait.toNanos());
        while (true) {
            try {
                return directory.obtainLock(name);
            } catch (LockObtainFailedException held) {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw busy(location, System.nanoTime() - start, held);
                try {
                    Thread.sleep(Math.max(1, Math.min(RETRY_MILLIS, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    KnowledgeBaseBusyException busy = busy(location, System.nanoTime() - start, held);
                    busy.addSuppressed(e);
                    throw busy;
                }
            } catch (IOException e) {
                throw new KnowledgeBaseUnavailableException("Cannot lock knowledge base " + location + " for writing: " + e, e);
            }
        }
    }

    /**
     * The writer lock of the knowledge base in {@code kbDir} ({@link IndexLayout#LOCK_FILE}), held until the
     * returned lock is closed.
     */
    static Lock obtainForKnowledgeBase(Path kbDir, Duration wait, String location) {
        FSDirectory dir;
        try {
            dir = FSDirectory.open(kbDir);
        } catch (IOException e) {
            throw new KnowledgeBaseUnavailableException("Cannot open knowledge base " + location + ": " + e, e);
        }
        try {
            return closingDirectory(obtain(dir, IndexLayout.LOCK_FILE, wait, location), dir);
        } catch (RuntimeException e) {
            IOUtils.closeWhileHandlingException(dir);
            throw e;
        }
    }

    /**
     * The knowledge base's writer lock if nobody holds it now, else null; also null when it cannot be
     * taken at all (a read-only file system). For readers that finish an interrupted swap only when no
     * writer runs, and can do without.
     */
    static Lock tryObtainForKnowledgeBase(Path kbDir) {
        try {
            FSDirectory dir = FSDirectory.open(kbDir);
            try {
                return closingDirectory(dir.obtainLock(IndexLayout.LOCK_FILE), dir);
            } catch (IOException | RuntimeException e) {
                IOUtils.closeWhileHandlingException(dir);
                return null;
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static Lock closingDirectory(Lock lock, Directory dir) {
        return new Lock() {
            @Override
            public void close() throws IOException {
                IOUtils.close(lock, dir);
            }

            @Override
            public void ensureValid() throws IOException {
                lock.ensureValid();
            }
        };
    }

    static KnowledgeBaseBusyException busy(String location, long waitedNanos, Exception cause) {
        return new KnowledgeBaseBusyException("knowledge base " + location + " is busy: another knowhow process is writing to it (waited "
                + seconds(waitedNanos) + "); try again later or give a longer --wait", cause);
    }

    private static String seconds(long nanos) {
        double s = nanos / 1e9;
        return s < 10 ? String.format(Locale.ROOT, "%.1f s", s) : String.format(Locale.ROOT, "%d s", Math.round(s));
    }

    /**
     * A directory that hands its {@code write.lock} — already obtained, and checked for an orphaned index
     * under it — to the {@code IndexWriter}s opened on it, without letting them release it: the store keeps
     * the lock from before the first writer until it closes, also across the writer it reopens after a
     * failed write, so no other process can slip in between.
     */
    static final class HeldLockDirectory extends FilterDirectory {
        private final String lockName;
        private final Lock held;

        HeldLockDirectory(Directory in, String lockName, Lock held) {
            super(in);
            this.lockName = lockName;
            this.held = held;
        }

        @Override
        public Lock obtainLock(String name) throws IOException {
            if (!name.equals(lockName)) return super.obtainLock(name);
            held.ensureValid();
            return new Lock() {
                @Override
                public void close() {
                    // released by the store when it closes
                }

                @Override
                public void ensureValid() throws IOException {
                    held.ensureValid();
                }
            };
        }
    }
}
