package io.knowhow.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EnglishCjkAnalyzerTest {
    private static final EnglishCjkAnalyzer ANALYZER = new EnglishCjkAnalyzer();

    @AfterAll
    static void close() {
        ANALYZER.close();
    }

    private static List<String> terms(Analyzer analyzer, String text) {
        return AnalyzedText.of(analyzer, text).tokens().stream().map(AnalyzedText.Token::term).toList();
    }

    @Test
    void englishTermsAreThoseOfLucenesEnglishAnalyzer() {
        String text = "Lumen's servers were launched by the Porto office, and they run the updates nightly.";
        try (EnglishAnalyzer english = new EnglishAnalyzer()) {
            assertThat(terms(ANALYZER, text)).isEqualTo(terms(english, text))
                    .containsExactly("lumen", "server", "were", "launch", "porto", "offic", "run", "updat", "nightli");
        }
    }

    @Test
    void stopWordsGoInAnyCaseButCapitalsWhichTheSolrConfigSetMatches() {
        // knowhow-store-solr's SolrConfigSetTest expects exactly these terms from its schema's chain.
        assertThat(terms(ANALYZER, "The IT desk is in the US office, and It is THE café's best"))
                .containsExactly("it", "desk", "us", "offic", "the", "cafe", "best");
    }

    @Test
    void chineseBecomesOverlappingBigramsAndPunctuationSplitsRuns() {
        assertThat(terms(ANALYZER, "年度团建活动在杭州举行。")).containsExactly("年度", "度团", "团建", "建活", "活动", "动在", "在杭", "杭州", "州举", "举行");
        assertThat(terms(ANALYZER, "在哪里？是")).containsExactly("在哪", "哪里", "是");
    }

    @Test
    void mixedScriptsAndFullWidthFormsMeetTheirAsciiSpelling() {
        assertThat(terms(ANALYZER, "ＳＫＵ－４４１１ 的价格")).containsExactly("sku", "4411", "的价", "价格");
        assertThat(terms(ANALYZER, "Zürich")).isEqualTo(terms(ANALYZER, "Zurich"));
    }

    @Test
    void stopWordsInCapitalsAreNamesNotFunctionWords() {
        assertThat(terms(ANALYZER, "Where is the IT desk? It is upstairs.")).containsExactly("where", "it", "desk", "upstair");
        assertThat(terms(ANALYZER, "Is IT on the WHO list")).contains("it");
    }

    @Test
    void aPhraseMatchesOnlyWithItsWordsTogetherAndInOrder() {
        AnalyzedText corpus = AnalyzedText.of(ANALYZER, "The Amber Falcon plan costs $49. The Prism Lantern plan costs $77. The Bank of America pays.");
        assertThat(corpus.containsPhrase(AnalyzedText.of(ANALYZER, "Amber Falcon"))).isTrue();
        assertThat(corpus.containsPhrase(AnalyzedText.of(ANALYZER, "amber falcons"))).as("case and inflection are analysed away").isTrue();
        assertThat(corpus.containsPhrase(AnalyzedText.of(ANALYZER, "Amber Lantern"))).isFalse();
        assertThat(corpus.containsPhrase(AnalyzedText.of(ANALYZER, "Falcon Amber"))).isFalse();
        assertThat(corpus.containsPhrase(AnalyzedText.of(ANALYZER, "Bank of America"))).as("a stop word inside is a gap").isTrue();
        assertThat(corpus.containsPhrase(AnalyzedText.of(ANALYZER, "Bank America"))).isFalse();
        assertThat(corpus.containsPhrase(AnalyzedText.of(ANALYZER, "the"))).as("nothing left of the phrase").isFalse();
        assertThat(AnalyzedText.of(ANALYZER, "年度团建活动在杭州举行").containsPhrase(AnalyzedText.of(ANALYZER, "杭州举行"))).isTrue();
    }

    @Test
    void offsetsPointIntoTheAnalysedText() {
        String text = "Launched by Porto";
        AnalyzedText.Token porto = AnalyzedText.of(ANALYZER, text).tokens().get(1);
        assertThat(text.substring(porto.start(), porto.end())).isEqualTo("Porto");
        assertThat(porto.position()).isEqualTo(2);
    }
}
