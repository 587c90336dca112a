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
}
