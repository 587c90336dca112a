package io.knowhow.core.chunk;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Document;
import io.knowhow.core.model.Section;
import io.knowhow.core.port.TokenCounter;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cuts a document into token-bounded chunks along sentence boundaries, section by section.
 *
 * <p>Chunks never cross a heading, so each carries one heading path. Sentences are packed until the
 * next one would exceed the budget; the next chunk starts with the trailing sentences of the previous
 * one that fit in the overlap. A sentence longer than the whole budget is cut at word boundaries, the
 * only place a chunk may end mid-sentence. The heading label counts against the budget because it is
 * embedded with the chunk.
 */
public final class SentenceChunker {
    private final TokenCounter tokens;
    private final ChunkingOptions options;

    public SentenceChunker(TokenCounter tokens, ChunkingOptions options) {
        this.tokens = tokens;
        this.options = options;
    }

    public List<Chunk> chunk(Document document, Set<String> tags, Set<String> accessGroups) {
        List<Chunk> out = new ArrayList<>();
        int base = 0;
        for (Section section : document.sections()) {
            String text = section.text();
            if (!text.isBlank()) {
                String heading = String.join(" › ", section.headingPath());
                int headingTokens = heading.isEmpty() ? 0 : tokens.count(heading) + 1;
                int budget = Math.max(8, options.maxTokens() - headingTokens);
                for (Span span : pack(sentences(text, budget), budget)) {
                    String chunkText = text.substring(span.start, span.end).strip();
                    out.add(new Chunk(Chunk.idOf(document.source(), out.size()), document.source(), out.size(), chunkText,
                            section.headingPath(), base + span.start, base + span.end, span.tokens + headingTokens,
                            tags, accessGroups, document.language()));
                }
                base += text.length() + 2; // sections are joined by a blank line in Document.fullText()
            }
        }
        return out;
    }

    /** A run of text [start, end) in a section, with its token count. */
    private record Span(int start, int end, int tokens) {}

    private List<Span> sentences(String text, int budget) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(text);
        List<Span> out = new ArrayList<>();
        int start = it.first();
        for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            // A paragraph break ends a sentence even without punctuation (headings, list items).
            for (String piece : splitOnBlankLines(text, start, end)) {
                int s = text.indexOf(piece, start);
                int e = s + piece.length();
                if (!piece.isBlank()) out.addAll(fitSentence(text, s, e, budget));
                start = e;
            }
        }
        return out;
    }

    private static List<String> splitOnBlankLines(String text, int start, int end) {
        return List.of(text.substring(start, end).split("(?<=\\n\\s{0,20}\\n)"));
    }

    /** Splits a sentence that alone exceeds the budget at word boundaries. */
    private List<Span> fitSentence(String text, int start, int end, int budget) {
        int n = tokens.count(text.substring(start, end));
        if (n <= budget) return List.of(new Span(start, end, n));
        List<Span> out = new ArrayList<>();
        BreakIterator words = BreakIterator.getWordInstance(Locale.ROOT);
        words.setText(text.substring(start, end));
        int pieceStart = 0, lastGood = -1, lastGoodTokens = 0;
        for (int b = words.next(); b != BreakIterator.DONE; b = words.next()) {
            int t = tokens.count(text.substring(start + pieceStart, start + b));
            if (t > budget && lastGood > pieceStart) {
                out.add(new Span(start + pieceStart, start + lastGood, lastGoodTokens));
                pieceStart = lastGood;
                t = tokens.count(text.substring(start + pieceStart, start + b));
            }
            lastGood = b;
            lastGoodTokens = t;
        }
        if (pieceStart < end - start) out.add(new Span(start + pieceStart, end, tokens.count(text.substring(start + pieceStart, end))));
        return out;
    }

    private List<Span> pack(List<Span> sentences, int budget) {
        List<Span> chunks = new ArrayList<>();
        int i = 0;
        while (i < sentences.size()) {
            int first = i, used = 0;
            while (i < sentences.size() && (i == first || used + sentences.get(i).tokens <= budget)) {
                used += sentences.get(i).tokens;
                i++;
            }
            chunks.add(new Span(sentences.get(first).start, sentences.get(i - 1).end, used));
            if (i >= sentences.size()) break;
            // Step back over trailing sentences that fit the overlap, but always make progress.
            int back = i, overlap = 0;
            while (back - 1 > first && overlap + sentences.get(back - 1).tokens <= options.overlapTokens()) {
                overlap += sentences.get(back - 1).tokens;
                back--;
            }
            i = back;
        }
        return chunks;
    }
}
