package io.knowhow.eval.advise;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.port.TokenCounter;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The knowledge corpus measured: its stored chunks' text counted with a tokenizer, the overlap between neighbouring
 * chunks of a source removed (by their character offsets), so the count is the corpus's and not the index's.
 *
 * @param sources         sources counted
 * @param chunks          chunks read
 * @param tokens          tokens of the corpus
 * @param meanChunkTokens mean tokens of a chunk (what one piece of RAG evidence costs in a prompt)
 * @param counter         which tokenizer counted
 */
public record CorpusSize(int sources, int chunks, long tokens, double meanChunkTokens, String counter) {
    public static CorpusSize measure(List<SourceRecord> sources, Function<String, List<Chunk>> chunksOf, TokenCounter tokens, String counter) {
        long total = 0;
        int chunks = 0;
        long chunkTokens = 0;
        for (SourceRecord s : sources) {
            int end = -1;
            for (Chunk c : chunksOf.apply(s.source())) {
                chunks++;
                String text = c.text();
                int count = tokens.count(text);
                chunkTokens += count;
                if (end > c.startChar() && c.endChar() > c.startChar()) {
                    // the part already counted with the previous chunk: drop that many leading characters
                    int skip = Math.min(text.length(), end - c.startChar());
                    count = tokens.count(text.substring(skip));
                }
                total += count;
                end = Math.max(end, c.endChar());
            }
        }
        return new CorpusSize(sources.size(), chunks, total, chunks == 0 ? 0 : (double) chunkTokens / chunks, counter);
    }

    public String describe() {
        return String.format(Locale.ROOT, "%,d chunks of %,d sources counted with %s, overlap removed", chunks, sources, counter);
    }
}
