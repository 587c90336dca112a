package io.knowhow.tune.generate;

import java.util.List;
import java.util.Objects;

/**
 * How {@link LocalGenerator} decodes.
 *
 * @param maxNewTokens  most tokens generated per answer
 * @param temperature   0 for greedy decoding; above 0 samples from softmax(logits / temperature)
 * @param topP          nucleus sampling: sample among the most likely tokens whose probabilities add up
 *                      to this (1 for all); ignored when greedy
 * @param seed          seeds sampling, so the same request gives the same answer
 * @param stopSequences text that ends the answer when generated (not included in it)
 * @param systemPrompt  system message put before the user's, or null for none (the chat template may
 *                      add its family's default)
 * @param decoding      what computes the tokens after the prompt (the prompt itself always runs on libtorch)
 */
public record GenerationOptions(int maxNewTokens, double temperature, double topP, long seed, List<String> stopSequences,
                                String systemPrompt, Decoding decoding) {
    /** Greedy, 256 new tokens, no stop sequences, no system prompt, f32 decoding in Java. */
    public static final GenerationOptions DEFAULTS = new GenerationOptions(256, 0, 1, 0, List.of(), null, Decoding.F32);

    /**
     * The decoding engine. F32 is the default: the same tokens as the trained f32 weights give (within
     * float rounding), about three times libtorch's speed one token at a time (docs/benchmarks.md).
     */
    public enum Decoding {
        /** {@link VectorDecoder} over the f32 weights. */
        F32,
        /** {@link VectorDecoder} over 8-bit blocks: a quarter of the memory traffic, faster again; may pick another token where two nearly tie. */
        Q8,
        /** libtorch through DJL, one JNI call per operation: the reference, slowest. */
        LIBTORCH;

        /** "f32", "q8" or "libtorch", in any case. */
        public static Decoding parse(String s) {
            try {
                return valueOf(s.strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown decoding '" + s + "': use f32, q8 or libtorch", e);
            }
        }
    }

    public GenerationOptions(int maxNewTokens, double temperature, double topP, long seed, List<String> stopSequences, String systemPrompt) {
        this(maxNewTokens, temperature, topP, seed, stopSequences, systemPrompt, Decoding.F32);
    }

    public GenerationOptions {
        if (maxNewTokens < 1) throw new IllegalArgumentException("max new tokens must be at least 1, got " + maxNewTokens);
        if (!(temperature >= 0 && temperature <= 10)) throw new IllegalArgumentException("temperature must be between 0 and 10, got " + temperature);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be above 0 and at most 1, got " + topP);
        stopSequences = List.copyOf(Objects.requireNonNullElse(stopSequences, List.of()));
        for (String s : stopSequences) if (s.isEmpty()) throw new IllegalArgumentException("a stop sequence cannot be empty");
        if (systemPrompt != null && systemPrompt.isBlank()) systemPrompt = null;
        Objects.requireNonNull(decoding, "decoding");
    }

    public GenerationOptions withMaxNewTokens(int n) {
        return new GenerationOptions(n, temperature, topP, seed, stopSequences, systemPrompt, decoding);
    }

    public GenerationOptions withSampling(double temperature, double topP, long seed) {
        return new GenerationOptions(maxNewTokens, temperature, topP, seed, stopSequences, systemPrompt, decoding);
    }

    public GenerationOptions withStopSequences(List<String> stops) {
        return new GenerationOptions(maxNewTokens, temperature, topP, seed, stops, systemPrompt, decoding);
    }

    public GenerationOptions withSystemPrompt(String prompt) {
        return new GenerationOptions(maxNewTokens, temperature, topP, seed, stopSequences, prompt, decoding);
    }

    public GenerationOptions withDecoding(Decoding d) {
        return new GenerationOptions(maxNewTokens, temperature, topP, seed, stopSequences, systemPrompt, d);
    }

    /** True when decoding takes the most likely token every time. */
    public boolean greedy() {
        return temperature == 0;
    }
}
