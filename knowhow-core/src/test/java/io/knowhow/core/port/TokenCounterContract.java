package io.knowhow.core.port;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link TokenCounter} promises; an implementation's test extends this. */
public abstract class TokenCounterContract {
    protected abstract TokenCounter counter();

    @Test
    void emptyTextHasNoTokensAndSpecialTokensAreNotCounted() {
        assertThat(counter().count("")).isZero();
        assertThat(counter().count("hello")).as("one common word, no [CLS]/[SEP]").isBetween(1, 2);
    }

    @Test
    void moreTextNeverHasFewerTokens() {
        String sentence = "Refunds are paid within fourteen days to the original card.";
        int one = counter().count(sentence);
        int two = counter().count(sentence + " " + sentence);
        assertThat(one).isPositive();
        assertThat(two).isGreaterThanOrEqualTo(one).isBetween(2 * one - 2, 2 * one + 2);
    }

    @Test
    void countsTextOfAnyScriptAndSymbols() {
        assertThat(counter().count("年度团建活动在哪里举行？")).isPositive();
        assertThat(counter().count("Größe: 42 € — naïve café")).isPositive();
        assertThat(counter().count("{\"intent\": \"refund\"} <evidence> [1]")).isPositive();
    }

    @Test
    void aLongTextIsCountedWhole() {
        String word = "knowledge ";
        int hundred = counter().count(word.repeat(100));
        assertThat(hundred).as("no truncation at the model's input limit").isGreaterThanOrEqualTo(100);
    }
}
