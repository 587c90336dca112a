package io.knowhow.embed.onnx;

/**
 * How {@link OnnxEmbedder} spends CPU: batch size and how the cores are split between ONNX Runtime's
 * own threads and batches run side by side.
 *
 * <p>Two shapes make sense: one batch at a time with {@code intraOpThreads} = cores (each matrix
 * multiply spread over all cores), or {@code parallelBatches} = cores with one intra-op thread each
 * (no thread hand-offs or spin-waiting inside a run). For these small encoders the second won clearly
 * on throughput and on query latency, and batches of one text were as fast as batches of 32 on
 * paragraphs (see {@code EmbedderBench} and {@link #defaults()}).
 *
 * @param batchSize       texts per ONNX Runtime run; larger batches pad more, smaller ones pay
 *                        more per-run overhead
 * @param intraOpThreads  ONNX Runtime threads inside one run
 * @param parallelBatches batches of one {@code embedAll} call run at the same time; queries always
 *                        run on the calling thread
 */
public record OnnxRuntimeOptions(int batchSize, int intraOpThreads, int parallelBatches) {
    public OnnxRuntimeOptions {
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, was " + intraOpThreads);
        }
        if (parallelBatches < 1) {
            throw new IllegalArgumentException("parallelBatches must be at least 1, was " + parallelBatches);
        }
    }

    /**
     * One text per run, one ONNX Runtime thread per run, as many runs side by side as there are cores.
     *
     * <p>Why batches of one: measured on SQuAD paragraphs with the int8 models, they embed at least
     * as fast per CPU second as batches of 4 to 32 (short sentences lose ~10%), and they make a
     * text's vector independent of the other texts in the call. The int8 models quantize
     * activations with one scale per batch tensor, so in a batch a vector shifts by up to ~2% (cosine
     * 0.98) with its batch mates; alone, the same text always gives the same vector.
     */
    public static OnnxRuntimeOptions defaults() {
        return new OnnxRuntimeOptions(1, 1, Runtime.getRuntime().availableProcessors());
    }
}
