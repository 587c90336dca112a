package io.knowhow.store.lucene;

import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.KnowledgeStoreContract;

import java.nio.file.Path;

/** The shared contract with vectors kept as {@link VectorFormat#BINARY} rather than the default. */
class LuceneKnowledgeStoreBinaryTest extends KnowledgeStoreContract {
    @Override
    protected KnowledgeStore openStore(Path dir) {
        return LuceneKnowledgeStore.open(dir, EMBEDDER_ID, DIMENSION, LuceneStoreOptions.DEFAULTS.withVectorFormat(VectorFormat.BINARY));
    }
}
