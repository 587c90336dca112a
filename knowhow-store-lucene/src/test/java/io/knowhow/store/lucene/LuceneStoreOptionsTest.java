package io.knowhow.store.lucene;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LuceneStoreOptionsTest {
    @Test
    void candidatesOutsideTheirRangeAreRefused() {
        assertThatThrownBy(() -> LuceneStoreOptions.DEFAULTS.withDenseCandidates(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("denseCandidates must be between 1 and 10000, got 0");
        assertThatThrownBy(() -> LuceneStoreOptions.DEFAULTS.withDenseCandidates(10_001))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LuceneStoreOptions(null, 10)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void vectorFormatsParseByNameInAnyCase() {
        assertThat(VectorFormat.parse(" Int8 ")).isEqualTo(VectorFormat.INT8);
        assertThat(VectorFormat.parse("binary")).isEqualTo(VectorFormat.BINARY);
        assertThatThrownBy(() -> VectorFormat.parse("int2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown vector format 'int2': use float32, int8, int7, int4 or binary");
    }

    @Test
    void everyVectorFormatAcceptsCommonEmbeddingSizes() {
        for (VectorFormat format : VectorFormat.values())
            assertThat(format.luceneFormat().getMaxDimensions("vector")).as(format.name()).isGreaterThanOrEqualTo(1024);
    }

    @Test
    void graphSettingsAreCheckedAndBuildTheLuceneFormat() {
        assertThatThrownBy(() -> new LuceneStoreOptions.Graph(1, 100)).hasMessage("HNSW maxConn must be between 2 and 512, got 1");
        assertThatThrownBy(() -> new LuceneStoreOptions.Graph(16, 0)).hasMessage("HNSW beamWidth must be between 1 and 3200, got 0");
        assertThat(LuceneStoreOptions.DEFAULTS.graph()).isEqualTo(LuceneStoreOptions.Graph.LUCENE_DEFAULT);
        // Lucene's HNSW formats name their parameters in toString: what the codec writes with.
        for (VectorFormat format : VectorFormat.values())
            assertThat(format.luceneFormat(32, 200).toString()).as(format.name()).contains("maxConn=32", "beamWidth=200");
    }
}
