package io.knowhow.core.chunk;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Document;
import io.knowhow.core.model.Section;
import io.knowhow.core.port.TokenCounter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SentenceChunkerTest {
    /** One token per whitespace-separated word: easy to reason about in assertions. */
    private static final TokenCounter WORDS = text -> text.isBlank() ? 0 : text.strip().split("\\s+").length;

    private static String sentence(int i) {
        return "Sentence number " + i + " has exactly seven words.";
    }

    @Test
    void packsWholeSentencesWithinTheBudgetAndOverlaps() {
        String text = IntStream.range(0, 20).mapToObj(SentenceChunkerTest::sentence).collect(Collectors.joining(" "));
        Document doc = new Document("a.txt", "a", List.of(new Section(List.of(), text)), Map.of());

        List<Chunk> chunks = new SentenceChunker(WORDS, new ChunkingOptions(30, 10)).chunk(doc, Set.of(), Set.of());

        assertThat(chunks).hasSizeGreaterThan(4);
        for (Chunk c : chunks) {
            assertThat(c.tokenCount()).isLessThanOrEqualTo(30);
            assertThat(c.text()).startsWith("Sentence number").endsWith("words.");
            assertThat(text.substring(c.startChar(), c.endChar()).strip()).isEqualTo(c.text());
        }
        // 4 sentences of 7 words fit in 30; one sentence (7 <= 10) is repeated as overlap.
        assertThat(chunks.get(0).text()).contains(sentence(3)).doesNotContain(sentence(4));
        assertThat(chunks.get(1).text()).startsWith(sentence(3));
        assertThat(chunks.get(chunks.size() - 1).text()).endsWith(sentence(19));
        assertThat(chunks).extracting(Chunk::ordinal).containsExactlyElementsOf(IntStream.range(0, chunks.size()).boxed().toList());
        assertThat(chunks.get(2).id()).isEqualTo("a.txt#2");
    }

    @Test
    void chunksNeverCrossHeadingsAndCarryTheirPath() {
        Document doc = new Document("g.md", "Guide", List.of(
                new Section(List.of("Guide"), "Intro text. More intro."),
                new Section(List.of("Guide", "Install"), "Run the installer. Then restart.")), Map.of());

        List<Chunk> chunks = new SentenceChunker(WORDS, new ChunkingOptions(100, 0)).chunk(doc, Set.of("docs"), Set.of());

        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0).headingPath()).containsExactly("Guide");
        assertThat(chunks.get(1).headingPath()).containsExactly("Guide", "Install");
        assertThat(chunks.get(1).text()).isEqualTo("Run the installer. Then restart.");
        assertThat(chunks.get(1).tags()).containsExactly("docs");
        assertThat(doc.fullText().substring(chunks.get(1).startChar(), chunks.get(1).endChar()).strip()).isEqualTo(chunks.get(1).text());
    }

    @Test
    void cutsAnOverlongSentenceAtWordBoundaries() {
        String longSentence = IntStream.range(0, 100).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
        Document doc = new Document("l.txt", "l", List.of(new Section(List.of(), longSentence)), Map.of());

        List<Chunk> chunks = new SentenceChunker(WORDS, new ChunkingOptions(20, 0)).chunk(doc, Set.of(), Set.of());

        assertThat(chunks).allSatisfy(c -> assertThat(c.tokenCount()).isLessThanOrEqualTo(20));
        assertThat(chunks.stream().map(Chunk::text).collect(Collectors.joining(" "))).isEqualTo(longSentence);
    }

    @Test
    void paragraphBreaksEndSentencesWithoutPunctuation() {
        Document doc = new Document("p.txt", "p", List.of(new Section(List.of(), "Title line\n\nBody sentence one. Body two.")), Map.of());

        List<Chunk> chunks = new SentenceChunker(WORDS, new ChunkingOptions(16, 0)).chunk(doc, Set.of(), Set.of());

        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).text()).isEqualTo("Title line\n\nBody sentence one. Body two.");
    }

    @Test
    void headingTokensCountAgainstTheBudget() {
        String text = IntStream.range(0, 6).mapToObj(SentenceChunkerTest::sentence).collect(Collectors.joining(" "));
        Document doc = new Document("h.txt", "h", List.of(new Section(List.of("A very long heading of eight words"), text)), Map.of());

        List<Chunk> chunks = new SentenceChunker(WORDS, new ChunkingOptions(24, 0)).chunk(doc, Set.of(), Set.of());

        assertThat(chunks).allSatisfy(c -> assertThat(c.tokenCount()).isLessThanOrEqualTo(24));
        assertThat(chunks).hasSize(3); // 24 - 9 heading tokens leaves room for two 7-word sentences
    }

    @Test
    void blankDocumentGivesNoChunks() {
        Document doc = new Document("e.txt", "e", List.of(new Section(List.of(), "  \n ")), Map.of());
        assertThat(new SentenceChunker(WORDS, ChunkingOptions.DEFAULT).chunk(doc, Set.of(), Set.of())).isEmpty();
    }

    @Test
    void rejectsNonsenseOptionsWithAClearMessage() {
        assertThatThrownBy(() -> new ChunkingOptions(8, 0)).hasMessageContaining("at least 16");
        assertThatThrownBy(() -> new ChunkingOptions(100, 100)).hasMessageContaining("overlap");
    }

    /** One token per started group of four characters of each word, like a subword tokenizer on long words. */
    private static final TokenCounter FOUR_CHARS = text -> {
        int n = 0;
        for (String w : text.strip().split("\\s+")) if (!w.isEmpty()) n += (w.length() + 3) / 4;
        return n;
    };

    /** Counts how much text the chunker hands the tokenizer, to check the work is linear without a clock. */
    private static final class CountingCounter implements TokenCounter {
        final TokenCounter inner;
        long chars;

        CountingCounter(TokenCounter inner) {
            this.inner = inner;
        }

        @Override
        public int count(String text) {
            chars += text.length();
            return inner.count(text);
        }
    }

    private static List<Chunk> chunkOneLine(String line, TokenCounter counter, int budget) {
        Document doc = new Document("big.txt", "big", List.of(new Section(List.of(), line)), Map.of());
        return new SentenceChunker(counter, new ChunkingOptions(budget, 0)).chunk(doc, Set.of(), Set.of());
    }

    @Test
    void aLongLineWithoutSentenceEndsIsCutAtWordsIntoPiecesThatCoverItExactly() {
        String line = IntStream.range(0, 5_000).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
        List<Chunk> chunks = chunkOneLine(line, WORDS, 50);
        assertThat(chunks).hasSize(100);
        int at = 0;
        for (Chunk c : chunks) {
            assertThat(c.tokenCount()).isLessThanOrEqualTo(50);
            assertThat(line.substring(at, c.endChar()).strip()).as("no gap, no overlap").isEqualTo(c.text());
            at = c.endChar();
        }
        assertThat(at).isEqualTo(line.length());
    }

    @Test
    void chunkingALongLineIsLinearInItsLength() {
        long[] work = new long[2];
        for (int k = 0; k < 2; k++) {
            String line = IntStream.range(0, 20_000 * (k + 1)).mapToObj(i -> "token" + (i % 97)).collect(Collectors.joining(" "));
            CountingCounter counter = new CountingCounter(WORDS);
            chunkOneLine(line, counter, 200);
            work[k] = counter.chars;
        }
        assertThat((double) work[1] / work[0]).as("text handed to the tokenizer for 2x the input: %s", java.util.Arrays.toString(work))
                .isLessThan(2.3);
        assertThat(work[0]).as("about log(words) counts of a chunk's text per chunk, not one per word")
                .isLessThan(40L * 20_000 * "token00 ".length());
    }

    @Test
    void aWordLongerThanTheBudgetIsCutAtCharacters() {
        String base64 = "QUJD".repeat(2_500); // 10,000 characters, no space: 2,500 tokens by FOUR_CHARS
        List<Chunk> chunks = chunkOneLine("Header: " + base64 + " trailer", FOUR_CHARS, 100);
        assertThat(chunks).allSatisfy(c -> assertThat(c.tokenCount()).isLessThanOrEqualTo(100));
        assertThat(chunks.stream().map(Chunk::text).collect(Collectors.joining())).isEqualTo(("Header: " + base64 + " trailer").replace(" ", ""))
                .as("every character kept once");
    }
}
