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

    /**
     * Splits a sentence that alone exceeds the budget at word boundaries (at characters, for a "word" longer than the
     * budget: base64, a minified line). Each piece is found by a galloping then binary search over word boundaries,
     * so a piece costs O(log words) token counts of at most about a chunk of text: linear in the sentence's length.
     * (Counting every growing prefix, as before, made a 1 MB single-line file take minutes.)
     */
    private List<Span> fitSentence(String text, int start, int end, int budget) {
        int n = tokens.count(text.substring(start, end));
        if (n <= budget) return List.of(new Span(start, end, n));
        int[] bounds = wordBoundaries(text, start, end);
        // Boundaries per token over the whole sentence: where a piece of `budget` tokens probably ends.
        double boundsPerToken = (bounds.length - 1) / (double) n;
        List<Span> out = new ArrayList<>();
        int i = 0; // index into bounds of the current piece's start
        while (bounds[i] < end) {
            int from = bounds[i];
            // Largest j > i with count(from, bounds[j]) <= budget: gallop from the estimate, then bisect.
            int last = bounds.length - 1;
            int guess = Math.max(i + 1, Math.min(last, i + (int) (budget * boundsPerToken)));
            int good = i, goodTokens = 0, bad = -1;
            int t = count(text, from, bounds[guess]);
            if (t <= budget) {
                good = guess;
                goodTokens = t;
                for (int step = Math.max(1, (guess - i) / 8); good < last; step *= 2) {
                    int j = Math.min(last, good + step);
                    int tj = count(text, from, bounds[j]);
                    if (tj > budget) {
                        bad = j;
                        break;
                    }
                    good = j;
                    goodTokens = tj;
                }
            } else {
                bad = guess;
                for (int step = Math.max(1, (guess - i) / 8); ; step *= 2) {
                    int j = Math.max(i, bad - step);
                    if (j == i) break;
                    int tj = count(text, from, bounds[j]);
                    if (tj <= budget) {
                        good = j;
                        goodTokens = tj;
                        break;
                    }
                    bad = j;
                }
            }
            if (bad > 0) {
                while (bad - good > 1) {
                    int mid = (good + bad) >>> 1;
                    int tm = count(text, from, bounds[mid]);
                    if (tm <= budget) {
                        good = mid;
                        goodTokens = tm;
                    } else {
                        bad = mid;
                    }
                }
            }
            if (good == i) {
                // One word alone is over the budget: cut it at characters.
                int cut = longestPrefixWithin(text, from, bounds[i + 1], budget);
                out.add(new Span(from, cut, count(text, from, cut)));
                bounds[i] = cut; // continue inside the same word
                continue;
            }
            out.add(new Span(from, bounds[good], goodTokens));
            i = good;
        }
        return out;
    }

    /** Start, every word boundary, and end of {@code text[start, end)}, increasing. */
    private static int[] wordBoundaries(String text, int start, int end) {
        BreakIterator words = BreakIterator.getWordInstance(Locale.ROOT);
        words.setText(text.substring(start, end));
        int[] b = new int[64];
        int size = 0;
        for (int at = words.first(); at != BreakIterator.DONE; at = words.next()) {
            if (size == b.length) b = java.util.Arrays.copyOf(b, size * 2);
            b[size++] = start + at;
        }
        if (size == 0 || b[size - 1] != end) {
            if (size == b.length) b = java.util.Arrays.copyOf(b, size + 1);
            b[size++] = end;
        }
        return java.util.Arrays.copyOf(b, size);
    }

    /** The end of the longest prefix of {@code text[from, to)} (at least one character) within the budget. */
    private int longestPrefixWithin(String text, int from, int to, int budget) {
        int good = from + 1, bad = to;
        while (bad - good > 1) {
            int mid = (good + bad) >>> 1;
            if (Character.isLowSurrogate(text.charAt(mid))) mid--; // never split a surrogate pair
            if (mid <= good) break;
            if (count(text, from, mid) <= budget) good = mid;
            else bad = mid;
        }
        return good;
    }

    private int count(String text, int from, int to) {
        return tokens.count(text.substring(from, to));
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
