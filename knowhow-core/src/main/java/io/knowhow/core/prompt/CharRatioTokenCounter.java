package io.knowhow.core.prompt;

import io.knowhow.core.port.TokenCounter;

/**
 * Estimates tokens from characters, for models whose tokenizer is not available in process.
 *
 * <p>BPE tokenizers of current chat models average about 4 characters per token on English prose;
 * {@link #CONSERVATIVE} assumes 3, so an estimate overshoots rather than undershoots and a planned
 * prompt fits the real window. Characters outside ASCII count one token each: CJK text runs close to
 * one token per character, and for accented Latin text the overcount is small and on the safe side.
 */
public final class CharRatioTokenCounter implements TokenCounter {
    /** Three ASCII characters per token, rounded up: safe for English and code. */
    public static final CharRatioTokenCounter CONSERVATIVE = new CharRatioTokenCounter(3.0);

    private final double charsPerToken;

    public CharRatioTokenCounter(double charsPerToken) {
        if (!(charsPerToken >= 1 && charsPerToken <= 10))
            throw new IllegalArgumentException("charsPerToken must be between 1 and 10, got " + charsPerToken);
        this.charsPerToken = charsPerToken;
    }

    @Override
    public int count(String text) {
        long ascii = 0, other = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp < 128) ascii++;
            else other++;
            i += Character.charCount(cp);
        }
        return Math.toIntExact((long) Math.ceil(ascii / charsPerToken) + other);
    }

    @Override
    public String toString() {
        return "CharRatioTokenCounter[" + charsPerToken + " chars/token]";
    }
}
