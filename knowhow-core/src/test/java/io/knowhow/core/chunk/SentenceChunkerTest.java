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
}
