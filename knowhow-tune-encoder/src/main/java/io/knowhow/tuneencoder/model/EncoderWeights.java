package io.knowhow.tuneencoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.knowhow.tune.model.Torch;
import io.knowhow.tuneencoder.onnx.OnnxGraph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a BERT encoder as f32 NDArrays under their Hugging Face names, linear weights in
 * (out, in) layout:
 * <pre>
 * embeddings.word_embeddings.weight        (vocab, hidden)
 * embeddings.position_embeddings.weight    (positions, hidden)
 * embeddings.token_type_embeddings.weight  (types, hidden)
 * embeddings.LayerNorm.weight / .bias      (hidden)
 * encoder.layer.L.attention.self.{query,key,value}.weight   (hidden, hidden)   .bias (hidden)
 * encoder.layer.L.attention.output.dense.weight             (hidden, hidden)   .bias (hidden)
 * encoder.layer.L.attention.output.LayerNorm.{weight,bias}  (hidden)
 * encoder.layer.L.intermediate.dense.weight                 (intermediate, hidden) .bias (intermediate)
 * encoder.layer.L.output.dense.weight                       (hidden, intermediate) .bias (hidden)
 * encoder.layer.L.output.LayerNorm.{weight,bias}            (hidden)
 * </pre>
 * The pooler is not used (sentence embeddings mean-pool the last hidden states) and is not loaded.
 */
public final class EncoderWeights {
    private final EncoderConfig config;
    private final Map<String, NDArray> named;

    private EncoderWeights(EncoderConfig config, Map<String, NDArray> named) {
        this.config = config;
        this.named = Collections.unmodifiableMap(named);
    }

    /** The names and shapes {@code config} needs, in a fixed order. */
    public static Map<String, long[]> expectedShapes(EncoderConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        long h = c.hiddenSize(), i = c.intermediate();
        s.put("embeddings.word_embeddings.weight", new long[] {c.vocabSize(), h});
        s.put("embeddings.position_embeddings.weight", new long[] {c.maxPositions(), h});
        s.put("embeddings.token_type_embeddings.weight", null); // any number of types; type 0 is used
        s.put("embeddings.LayerNorm.weight", new long[] {h});
        s.put("embeddings.LayerNorm.bias", new long[] {h});
        for (int l = 0; l < c.layers(); l++) {
            String p = "encoder.layer." + l + ".";
            for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense")) {
                s.put(p + m + ".weight", new long[] {h, h});
                s.put(p + m + ".bias", new long[] {h});
            }
            s.put(p + "attention.output.LayerNorm.weight", new long[] {h});
            s.put(p + "attention.output.LayerNorm.bias", new long[] {h});
            s.put(p + "intermediate.dense.weight", new long[] {i, h});
            s.put(p + "intermediate.dense.bias", new long[] {i});
            s.put(p + "output.dense.weight", new long[] {h, i});
            s.put(p + "output.dense.bias", new long[] {h});
            s.put(p + "output.LayerNorm.weight", new long[] {h});
            s.put(p + "output.LayerNorm.bias", new long[] {h});
        }
        return s;
    }

    /**
     * Copies {@code tensors} (Hugging Face names and layout) into arrays of {@code manager}.
     *
     * @param source names the tensors' origin in error messages
     * @throws IllegalArgumentException naming the tensor when one is missing or misshapen
     */
    public static EncoderWeights of(EncoderConfig config, Map<String, OnnxGraph.Tensor> tensors, NDManager manager, String source) {
        Map<String, NDArray> named = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
            OnnxGraph.Tensor t = tensors.get(e.getKey());
            if (t == null) {
                problems.add(e.getKey() + " is missing");
            } else if (e.getValue() != null && !Arrays.equals(t.dims(), e.getValue())) {
                problems.add(e.getKey() + " has shape " + Arrays.toString(t.dims()) + ", expected " + Arrays.toString(e.getValue()));
            } else {
                named.put(e.getKey(), Torch.floats(manager, t.values(), t.dims()));
            }
        }
        if (!problems.isEmpty()) {
            named.values().forEach(NDArray::close);
            throw new IllegalArgumentException(source + " does not hold a BERT encoder of shape " + config + ": "
                    + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                    + (problems.size() > 5 ? " (and " + (problems.size() - 5) + " more)" : ""));
        }
        return new EncoderWeights(config, named);
    }

    public EncoderConfig config() {
        return config;
    }

    /** All parameters by name, in {@link #expectedShapes} order. */
    public Map<String, NDArray> named() {
        return named;
    }

    /** The parameter {@code name}. */
    public NDArray get(String name) {
        NDArray a = named.get(name);
        if (a == null) throw new IllegalArgumentException("no encoder parameter named " + name);
        return a;
    }

    /** Parameters in total. */
    public long parameterCount() {
        return named.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }
}
