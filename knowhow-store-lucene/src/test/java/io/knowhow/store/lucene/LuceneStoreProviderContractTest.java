package io.knowhow.store.lucene;

import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.KnowledgeStoreContract;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.StoreLocation;

import java.nio.file.Path;
import java.time.Duration;

/** The shared contract through {@link LuceneStoreProvider}: {@code dir} is a knowledge-base directory, the index in {@code dir/index}. */
class LuceneStoreProviderContractTest extends KnowledgeStoreContract {
    private final LuceneStoreProvider provider = new LuceneStoreProvider();

    @Override
    protected KnowledgeStore openStore(Path dir, StoreIdentity identity) {
        return provider.openForWriting(StoreLocation.of(dir), identity, Duration.ZERO);
    }

    @Override
    protected ReadableKnowledgeStore openReader(Path dir, StoreIdentity identity) {
        return provider.openForReading(StoreLocation.of(dir), identity);
    }
}
