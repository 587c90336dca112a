package io.knowhow.tuneencoder.extract;

import io.knowhow.tuneencoder.model.EncoderTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoding per-token tag scores into valid BIO and then into slot values. */
class BioTagsTest {
    // "[CLS] table for 4 at 7 pm [SEP]"; tags O, B-people, I-people, B-time, I-time
    static final String TEXT = "table for 4 at 7 pm";
    static final EncoderTokenizer.Tokens TOKENS = new EncoderTokenizer.Tokens(new long[] {101, 1, 2, 3, 4, 5, 6, 102},
            new int[] {0, 0, 6, 10, 12, 15, 17, 19}, new int[] {0, 5, 9, 11, 14, 16, 19, 19},
            new boolean[] {true, false, false, false, false, false, false, true});
    static final BioTags TAGS = new BioTags(List.of("people", "time"));

    /** Log-probabilities favouring {@code likely[i]} at position i by a margin of {@code margin[i]}. */
    static float[] scores(int[] likely, double[] margin) {
        float[] lp = new float[likely.length * TAGS.size()];
        for (int i = 0; i < likely.length; i++)
            for (int t = 0; t < TAGS.size(); t++) lp[i * TAGS.size() + t] = t == likely[i] ? 0f : (float) -margin[i];
        return lp;
    }

    @Test
    void anIAfterOIsNotAllowedAndTheBestValidSequenceFixesIt() {
        // Arg-max says "7" = I-time with no B before it (the model hesitates there), "pm" = I-time.
        int[] argmax = {0, 0, 0, 1, 0, 4, 4, 0};
        double[] margin = {1, 5, 5, 5, 5, 0.2, 5, 1};
        int[] best = TAGS.bestValidSequence(scores(argmax, margin), TOKENS);
        assertThat(best).containsExactly(0, 0, 0, 1, 0, 3, 4, 0);
        assertThat(TAGS.decode(TEXT, TOKENS, best)).containsEntry("people", "4").containsEntry("time", "7 pm");
        // Arg-max as is: the I without a B opens a span too, so the value survives but only by accident of
        // the lenient decoder; a slot switch inside a span is what it cannot repair:
        assertThat(TAGS.decode(TEXT, TOKENS, argmax)).containsEntry("time", "7 pm");
    }

    @Test
    void aSlotSwitchInsideASpanIsResolvedByTheScores() {
        // "7" B-time strongly, "pm" I-people weakly over I-time: invalid; the valid best keeps the time span whole.
        int[] argmax = {0, 0, 0, 1, 0, 3, 2, 0};
        double[] margin = {1, 5, 5, 5, 5, 5, 0.1, 1};
        assertThat(TAGS.decode(TEXT, TOKENS, argmax)).containsEntry("time", "7");
        float[] lp = scores(argmax, margin);
        lp[6 * TAGS.size() + 4] = -0.05f; // "pm": I-time the close second, everything else far behind
        for (int t : new int[] {0, 1, 3}) lp[6 * TAGS.size() + t] = -5f;
        int[] best = TAGS.bestValidSequence(lp, TOKENS);
        assertThat(TAGS.decode(TEXT, TOKENS, best)).containsEntry("time", "7 pm").containsEntry("people", "4");
    }

    @Test
    void specialTokensAreAlwaysOutside() {
        int[] argmax = {3, 0, 0, 0, 0, 0, 0, 4};
        double[] margin = {9, 1, 1, 1, 1, 1, 1, 9};
        int[] best = TAGS.bestValidSequence(scores(argmax, margin), TOKENS);
        assertThat(best[0]).isZero();
        assertThat(best[7]).isZero();
        assertThat(TAGS.decode(TEXT, TOKENS, best)).isEmpty();
    }
}
