package io.knowhow.store.solr;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.core.LowerCaseFilterFactory;
import org.apache.lucene.analysis.core.StopFilterFactory;
import org.apache.lucene.analysis.custom.CustomAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilterFactory;
import org.apache.lucene.analysis.en.PorterStemFilterFactory;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilterFactory;
import org.apache.lucene.analysis.cjk.CJKBigramFilterFactory;
import org.apache.lucene.analysis.cjk.CJKWidthFilterFactory;
import org.apache.lucene.analysis.standard.StandardTokenizerFactory;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.util.ClasspathResourceLoader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configset's BM25 chain gives the embedded store's terms (EnglishCjkAnalyzer: stop words dropped in any case except
 * written in capitals), built here from the same Solr factories and stop-word file Solr loads.
 */
class SolrConfigSetTest {
    private static final String WORDS = "stopwords_knowhow.txt";

    @Test
    void theStopWordFileListsEveryCaseOfEachEnglishStopWordButCapitals() throws IOException {
        Set<String> listed = new HashSet<>();
        for (String line : new String(SolrCluster.configSetFiles(384).get(WORDS), StandardCharsets.UTF_8).split("\n"))
            if (!line.isBlank() && !line.startsWith("#")) listed.add(line.strip());
        Set<String> expected = new HashSet<>();
        for (Object w : EnglishAnalyzer.ENGLISH_STOP_WORDS_SET) expected.addAll(variants(new String((char[]) w))); // CharArraySet holds char[]
        assertThat(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET).hasSize(33);
        assertThat(listed).isEqualTo(expected).contains("the", "The", "tHe", "a", "A", "it", "It").doesNotContain("THE", "IT", "US");
    }

    @Test
    void theChainDropsStopWordsButKeepsThemInCapitalsAndBigramsChinese() throws IOException {
        try (Analyzer chain = CustomAnalyzer.builder(new ClasspathResourceLoader(SolrCluster.class))
                .withTokenizer(StandardTokenizerFactory.class)
                .addTokenFilter(CJKWidthFilterFactory.class)
                .addTokenFilter(EnglishPossessiveFilterFactory.class)
                .addTokenFilter(CJKBigramFilterFactory.class)
                .addTokenFilter(StopFilterFactory.class, "ignoreCase", "false", "words", "configset/" + WORDS)
                .addTokenFilter(LowerCaseFilterFactory.class)
                .addTokenFilter(ASCIIFoldingFilterFactory.class)
                .addTokenFilter(PorterStemFilterFactory.class)
                .build()) {
            assertThat(terms(chain, "The IT desk is in the US office, and It is THE café's best"))
                    .containsExactly("it", "desk", "us", "offic", "the", "cafe", "best");
            assertThat(terms(chain, "年度团建活动")).containsExactly("年度", "度团", "团建", "建活", "活动");
        }
        // The same filters, in this order, are what schema.xml declares.
        String schema = new String(SolrCluster.configSetFiles(384).get("schema.xml"), StandardCharsets.UTF_8);
        assertThat(schema).containsSubsequence("solr.StandardTokenizerFactory", "solr.CJKWidthFilterFactory", "solr.EnglishPossessiveFilterFactory",
                "solr.CJKBigramFilterFactory", "solr.StopFilterFactory\" ignoreCase=\"false\" words=\"" + WORDS + "\"",
                "solr.LowerCaseFilterFactory", "solr.ASCIIFoldingFilterFactory", "solr.PorterStemFilterFactory");
    }

    private static List<String> variants(String word) {
        List<String> out = new ArrayList<>();
        for (int mask = 0; mask < 1 << word.length(); mask++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < word.length(); i++)
                sb.append((mask & 1 << i) != 0 ? word.substring(i, i + 1).toUpperCase(Locale.ROOT) : word.substring(i, i + 1));
            String v = sb.toString();
            boolean capitals = v.length() >= 2 && v.equals(v.toUpperCase(Locale.ROOT));
            if (!capitals) out.add(v);
        }
        return out;
    }

    private static List<String> terms(Analyzer a, String text) throws IOException {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = a.tokenStream("content", text)) {
            CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) out.add(t.toString());
            ts.end();
        }
        return out;
    }
}
