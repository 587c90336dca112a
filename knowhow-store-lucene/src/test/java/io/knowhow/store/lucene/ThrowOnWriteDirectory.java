package io.knowhow.store.lucene;

import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.store.Lock;

import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A directory on which every operation that would change something throws: a store that works on it
 * provably writes nothing (the test may run as root, where a read-only file mode proves nothing).
 */
final class ThrowOnWriteDirectory extends FilterDirectory {
    final AtomicInteger reads = new AtomicInteger();

    ThrowOnWriteDirectory(Directory in) {
        super(in);
    }

    private static IOException refused(String what) {
        return new IOException("read-only directory: refused " + what);
    }

    @Override
    public String[] listAll() throws IOException {
        reads.incrementAndGet();
        return super.listAll();
    }

    @Override
    public IndexOutput createOutput(String name, IOContext context) throws IOException {
        throw refused("createOutput " + name);
    }

    @Override
    public IndexOutput createTempOutput(String prefix, String suffix, IOContext context) throws IOException {
        throw refused("createTempOutput " + prefix);
    }

    @Override
    public void deleteFile(String name) throws IOException {
        throw refused("deleteFile " + name);
    }

    @Override
    public void rename(String source, String dest) throws IOException {
        throw refused("rename " + source);
    }

    @Override
    public void sync(Collection<String> names) throws IOException {
        throw refused("sync " + names);
    }

    @Override
    public void syncMetaData() throws IOException {
        throw refused("syncMetaData");
    }

    @Override
    public Lock obtainLock(String name) throws IOException {
        throw refused("obtainLock " + name);
    }
}
