package io.knowhow.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.FilteringTokenFilter;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

import java.util.Objects;

/**
 * Analyses English and CJK text in one chain, so a knowledge base of mixed documents needs no
 * per-language fields and a question in either script meets its evidence:
 *
 * <ol>
 *   <li>{@link StandardTokenizer}: Unicode word boundaries (UAX #29); Han, Hiragana and Katakana come out
 *       one character per token, typed as such, and Hangul as words;</li>
 *   <li>{@link CJKWidthFilter}: full-width Latin letters and digits to ASCII, half-width Katakana to
 *       full width, so "ＳＫＵ－４４１１" and "SKU-4411" meet;</li>
 *   <li>{@link EnglishPossessiveFilter}: "Lumen's" → "Lumen";</li>
 *   <li>{@link CJKBigramFilter}: runs of CJK characters to overlapping bigrams (a lone character stays a
 *       unigram) — Chinese and Japanese write no spaces, and bigrams are the dictionary-free way to get
 *       word-like units (the scheme of Lucene's {@code CJKAnalyzer});</li>
 *   <li>stop words removed, case-insensitively, <em>except</em> when written in capitals: "IT" in "the IT
 *       desk" is a name, while "it" is a pronoun;</li>
 *   <li>{@link LowerCaseFilter}, then {@link ASCIIFoldingFilter} ("Zürich" and "Zurich" meet);</li>
 *   <li>{@link PorterStemFilter}: "launched", "launches" → "launch". It only rewrites ASCII suffixes, so
 *       CJK bigrams and numbers pass through.</li>
 * </ol>
 *
 * <p>Compared with Lucene's {@link EnglishAnalyzer} (the store's BM25 analyzer until now), English terms
 * differ only where the chain above adds something: CJK bigrams instead of single characters, folded
 * accents, and capitalised stop words kept. Positions keep the gaps of removed stop words, so phrase
 * queries and {@link AnalyzedText#positionsOf phrase matching} see "Bank of America" as one phrase.
 *
 * <p>Thread-safe, like every Lucene {@link Analyzer}; close it when done.
 */
public final class EnglishCjkAnalyzer extends Analyzer {
    /** The stop words for search: Lucene's English set (33 function words). */
    public static final CharArraySet SEARCH_STOP_WORDS = EnglishAnalyzer.ENGLISH_STOP_WORDS_SET;

    private final CharArraySet stopWords;

    /** An analyzer with the search stop words ({@link #SEARCH_STOP_WORDS}). */
    public EnglishCjkAnalyzer() {
        this(SEARCH_STOP_WORDS);
    }

    /**
     * @param stopWords terms to drop, matched case-insensitively before stemming (so list surface forms:
     *                  "which", "什么")
     */
    public EnglishCjkAnalyzer(CharArraySet stopWords) {
        // Lucene's sets match case-sensitively; here a capitalised sentence start ("It was") must match too.
        this.stopWords = CharArraySet.unmodifiableSet(new CharArraySet(Objects.requireNonNull(stopWords, "stopWords"), true));
    }

    /** The stop words this analyzer drops. */
    public CharArraySet stopWords() {
        return stopWords;
    }

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer source = new StandardTokenizer();
        TokenStream result = new CJKWidthFilter(source);
        result = new EnglishPossessiveFilter(result);
        result = new CJKBigramFilter(result);
        result = new CapitalsKeepingStopFilter(result, stopWords);
        result = new LowerCaseFilter(result);
        result = new ASCIIFoldingFilter(result);
        result = new PorterStemFilter(result);
        return new TokenStreamComponents(source, result);
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
        return new ASCIIFoldingFilter(new LowerCaseFilter(new CJKWidthFilter(in)));
    }

    /**
     * Drops stop words unless the token is written in capitals (two or more letters, none lower case): an
     * acronym such as "IT", "US" or "WHO" names something, the pronoun or preposition does not.
     */
    static final class CapitalsKeepingStopFilter extends FilteringTokenFilter {
        private final CharArraySet stopWords;
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);

        CapitalsKeepingStopFilter(TokenStream in, CharArraySet stopWords) {
            super(in);
            this.stopWords = stopWords;
        }

        @Override
        protected boolean accept() {
            return !stopWords.contains(term.buffer(), 0, term.length()) || capitals(term);
        }

        static boolean capitals(CharSequence t) {
            int letters = 0;
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (Character.isLetter(c)) {
                    if (!Character.isUpperCase(c)) return false;
                    letters++;
                }
            }
            return letters >= 2;
        }
    }
}
