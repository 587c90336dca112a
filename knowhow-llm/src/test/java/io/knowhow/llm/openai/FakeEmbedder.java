package io.knowhow.llm.openai;

import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.EmbedderInfo;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Embeds text as a hashed bag of words (256 dimensions, L2-normalised): texts sharing content words are
 * close. Plural "s" is dropped and function words skipped, so "plans" meets "plan" and "the" ranks nothing.
 */
final class FakeEmbedder implements Embedder {
    static final int DIMENSION = 256;
    private static final Set<String> SKIP = Set.of("the", "and", "for", "are", "what", "how", "does", "per", "with", "from",
            "this", "that", "who", "when", "much", "is", "by", "on", "of", "do");

    @Override
    public List<float[]> embedAll(List<String> passages) {
        return passages.stream().map(FakeEmbedder::vector).toList();
    }

    @Override
    public float[] embedQuery(String query) {
        return vector(query);
    }

    @Override
    public EmbedderInfo info() {
        return new EmbedderInfo("fake-hash@test", DIMENSION, 512);
    }

    static float[] vector(String text) {
        float[] v = new float[DIMENSION];
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (w.length() < 3 || SKIP.contains(w)) continue;
            String term = w.length() > 3 && w.endsWith("s") ? w.substring(0, w.length() - 1) : w;
            v[Math.floorMod(term.hashCode(), DIMENSION)] += 1;
        }
        double norm = 0;
        for (float x : v) norm += x * x;
        if (norm > 0) for (int i = 0; i < v.length; i++) v[i] /= (float) Math.sqrt(norm);
        return v;
    }
}
