package io.knowhow.store.lucene;

import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.KnowledgeStoreContract;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreIdentity;

import java.nio.file.Path;
import java.time.Duration;

/** The shared contract with vectors kept as {@link VectorFormat#INT4} rather than the default. */
class LuceneKnowledgeStoreInt4Test extends KnowledgeStoreContract {
    private static final LuceneStoreOptions OPTIONS = LuceneStoreOptions.DEFAULTS.withVectorFormat(VectorFormat.INT4);

    @Override
    protected KnowledgeStore openStore(Path dir, StoreIdentity identity) {
        return LuceneKnowledgeStore.open(dir, identity, OPTIONS, Duration.ZERO);
    }

    @Override
    protected ReadableKnowledgeStore openReader(Path dir, StoreIdentity identity) {
        return LuceneReadableKnowledgeStore.open(dir, identity, OPTIONS);
    }
}
