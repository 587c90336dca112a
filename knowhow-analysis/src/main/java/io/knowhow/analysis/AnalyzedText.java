package io.knowhow.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The analysed tokens of one text, with positions and character offsets: what an index would store for
 * it, held in memory so that code outside an index (the extractive answerer, grounding checks) can ask
 * the same questions a {@code TermQuery} or {@code PhraseQuery} would.
 *
 * @param tokens the tokens in order; positions grow by one per token plus one per removed stop word
 */
public record AnalyzedText(List<Token> tokens) {
    /**
     * One analysed token.
     *
     * @param term     the indexed form ("launch" for "Launched", "杭州" for a bigram)
     * @param position its position, counting removed stop words
     * @param start    offset of its first character in the analysed text
     * @param end      offset after its last character
     */
    public record Token(String term, int position, int start, int end) {}

    public AnalyzedText {
        tokens = List.copyOf(tokens);
    }

    /** Analyses {@code text} with {@code analyzer}. */
    public static AnalyzedText of(Analyzer analyzer, String text) {
        Objects.requireNonNull(analyzer, "analyzer");
        Objects.requireNonNull(text, "text");
        List<Token> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream("", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
            OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
            ts.reset();
            int position = -1;
            while (ts.incrementToken()) {
                position += inc.getPositionIncrement();
                out.add(new Token(term.toString(), position, offset.startOffset(), offset.endOffset()));
            }
            ts.end();
        } catch (IOException e) {
            // Analysing a String reads no file; an IOException here is a bug in the chain.
            throw new UncheckedIOException("analysing text failed: " + e.getMessage(), e);
        }
        return new AnalyzedText(out);
    }

    /** The distinct terms, in order of first occurrence. */
    public Set<String> terms() {
        Set<String> out = new LinkedHashSet<>();
        for (Token t : tokens) out.add(t.term());
        return out;
    }

    /** True when there are no tokens (empty text, or only stop words and punctuation). */
    public boolean isEmpty() {
        return tokens.isEmpty();
    }

    /**
     * Start positions at which {@code phrase} occurs in this text: its terms at the same distances from
     * each other as in the phrase (so a stop word inside the phrase must be matched by a gap of one). An
     * empty phrase occurs nowhere.
     */
    public List<Integer> positionsOf(AnalyzedText phrase) {
        if (phrase.isEmpty()) return List.of();
        Map<String, Set<Integer>> index = new HashMap<>();
        for (Token t : tokens) index.computeIfAbsent(t.term(), k -> new java.util.HashSet<>()).add(t.position());
        Token first = phrase.tokens.get(0);
        List<Integer> out = new ArrayList<>();
        for (int start : index.getOrDefault(first.term(), Set.of())) {
            boolean all = true;
            for (Token t : phrase.tokens) {
                if (!index.getOrDefault(t.term(), Set.of()).contains(start + t.position() - first.position())) {
                    all = false;
                    break;
                }
            }
            if (all) out.add(start);
        }
        out.sort(null);
        return out;
    }

    /** True when {@code phrase} occurs in this text (see {@link #positionsOf}). */
    public boolean containsPhrase(AnalyzedText phrase) {
        return !positionsOf(phrase).isEmpty();
    }
}
