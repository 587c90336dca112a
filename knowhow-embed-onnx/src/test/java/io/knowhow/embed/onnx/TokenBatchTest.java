package io.knowhow.embed.onnx;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Length-sorted batching and padding, without a model. */
class TokenBatchTest {
    @Test
    void textsOfSimilarLengthShareABatchAndKeepTheirResultPositions() {
        List<long[]> ids = List.of(new long[5], new long[1], new long[4], new long[2]);
        List<TokenBatch> batches = TokenBatch.lengthSorted(ids, 10, 2);

        assertThat(batches).hasSize(2);
        assertThat(batches.get(0).positions()).containsExactly(11, 13); // lengths 1 and 2
        assertThat(batches.get(1).positions()).containsExactly(12, 10); // lengths 4 and 5
        assertThat(batches.get(1).length()).isEqualTo(5);
    }

    @Test
    void paddingIsZeroAndTheMaskMarksOnlyRealTokens() {
        TokenBatch batch = new TokenBatch(List.of(new long[] {7, 8, 9}, new long[] {5}), new int[] {0, 1});

        assertThat(batch.paddedIds(batch.length())).containsExactly(7, 8, 9, 5, 0, 0);
        assertThat(batch.attentionMask(batch.length())).containsExactly(1, 1, 1, 1, 0, 0);
        assertThat(batch.tokens(1)).isEqualTo(1);
    }
}
