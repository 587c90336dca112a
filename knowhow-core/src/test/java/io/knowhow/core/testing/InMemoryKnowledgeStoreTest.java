package io.knowhow.core.testing;

import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.KnowledgeStoreContract;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreIdentity;

import java.nio.file.Path;

/** The in-memory store that tests of the parts around a store use keeps the same contract as the real stores. */
class InMemoryKnowledgeStoreTest extends KnowledgeStoreContract {
    @Override
    protected KnowledgeStore openStore(Path dir, StoreIdentity identity) {
        return InMemoryKnowledgeStore.openForWriting(dir, identity);
    }

    @Override
    protected ReadableKnowledgeStore openReader(Path dir, StoreIdentity identity) {
        return InMemoryKnowledgeStore.openForReading(dir, identity);
    }
}
