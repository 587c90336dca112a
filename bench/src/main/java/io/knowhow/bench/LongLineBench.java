package io.knowhow.bench;

import io.knowhow.core.chunk.ChunkingOptions;
import io.knowhow.core.chunk.SentenceChunker;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Document;
import io.knowhow.core.model.Section;
import io.knowhow.embed.onnx.BundledModel;
import io.knowhow.embed.onnx.OnnxEmbedder;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Chunking time against text length, for text without sentence ends (one long line: a log, a minified file, a
 * table exported as one row) and for ordinary prose, with the bundled model's real tokenizer. Chunking must be
 * linear in the input: a 1 MB single line once took minutes because every growing prefix of the line was counted.
 * Embedding is not timed here (its cost is per chunk: see EmbedderBench and RagBench).
 *
 * <p>Usage: {@code bench/run LongLineBench [--sizes 250000,500000,1000000,2000000]}
 */
public final class LongLineBench {
    private LongLineBench() {}

    public static void main(String[] args) {
        List<Integer> sizes = new ArrayList<>();
        for (String s : Args.parse(args).getOrDefault("sizes", "250000,500000,1000000,2000000").split(",")) sizes.add(Integer.parseInt(s.trim()));
        try (OnnxEmbedder model = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q)) {
            SentenceChunker chunker = new SentenceChunker(model, ChunkingOptions.DEFAULT);
            chunk(chunker, text(50_000, false)); // warm-up: JIT, tokenizer
            System.out.printf(Locale.ROOT, "%-10s %10s %8s %10s %12s %10s%n", "text", "chars", "chunks", "cpu s", "chars/cpu-s", "load");
            for (boolean prose : List.of(false, true)) {
                for (int size : sizes) {
                    String text = text(size, prose);
                    long cpu0 = cpuNanos();
                    List<Chunk> chunks = chunk(chunker, text);
                    double cpu = (cpuNanos() - cpu0) / 1e9;
                    System.out.printf(Locale.ROOT, "%-10s %10d %8d %10.2f %12.0f %10.2f%n", prose ? "prose" : "one line", size, chunks.size(), cpu,
                            size / cpu, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                }
            }
        }
    }

    private static List<Chunk> chunk(SentenceChunker chunker, String text) {
        return chunker.chunk(new Document("bench.txt", "bench", List.of(new Section(List.of(), text)), Map.of()), Set.of(), Set.of());
    }

    /** Seeded words; prose ends a sentence every 12 words, a single line never does. */
    private static String text(int chars, boolean prose) {
        String[] words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"};
        Random random = new Random(7);
        StringBuilder sb = new StringBuilder(chars + 16);
        int n = 0;
        while (sb.length() < chars) {
            sb.append(words[random.nextInt(words.length)]).append(random.nextInt(1000));
            sb.append(prose && ++n % 12 == 0 ? ". " : " ");
        }
        return sb.substring(0, chars);
    }

    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
