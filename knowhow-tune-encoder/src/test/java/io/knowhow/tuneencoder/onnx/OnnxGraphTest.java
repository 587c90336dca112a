package io.knowhow.tuneencoder.onnx;

import com.google.protobuf.CodedOutputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wire-format reader and the name mapping, on small hand-encoded models. */
class OnnxGraphTest {
    @Test
    void readsRawAndFloatDataAndMapsMatMulWeightsToModulePaths() throws IOException {
        byte[] model = model(
                List.of(node("/encoder/layer.0/attention/self/query/MatMul", "MatMul", "x", "onnx::MatMul_7")),
                List.of(tensorRaw("onnx::MatMul_7", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                        tensorFloatData("bert.embeddings.LayerNorm.weight", new long[] {2}, new float[] {0.5f, -1}),
                        intTensor("shape_const")));
        OnnxGraph graph = OnnxGraph.parse(model, "test");
        assertThat(graph.initializers()).containsOnlyKeys("onnx::MatMul_7", "bert.embeddings.LayerNorm.weight");
        assertThat(graph.nodes()).hasSize(1);

        Map<String, OnnxGraph.Tensor> hf = BertOnnxWeights.map(graph, "test");
        OnnxGraph.Tensor q = hf.get("encoder.layer.0.attention.self.query.weight");
        assertThat(q.dims()).containsExactly(3, 2);                       // (in, out) → (out, in)
        assertThat(q.values()).containsExactly(1, 4, 2, 5, 3, 6);
        assertThat(hf.get("embeddings.LayerNorm.weight").values()).containsExactly(0.5f, -1f);
    }

    @Test
    void rejectsAWeightFeedingAnUnnamedMatMul() throws IOException {
        byte[] model = model(List.of(node("MatMul_12", "MatMul", "x", "onnx::MatMul_7")),
                List.of(tensorRaw("onnx::MatMul_7", new long[] {1, 1}, new float[] {1})));
        assertThatThrownBy(() -> BertOnnxWeights.map(OnnxGraph.parse(model, "m.onnx"), "m.onnx"))
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("m.onnx").hasMessageContaining("MatMul_12");
    }

    @Test
    void rejectsBytesWithoutAGraph() {
        assertThatThrownBy(() -> OnnxGraph.parse(new byte[] {8, 7}, "notes.txt"))
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("notes.txt");
    }

    @Test
    void readsTheBundledExport() {
        Map<String, OnnxGraph.Tensor> hf = io.knowhow.tuneencoder.model.BundledEncoder.tensors();
        long linear = hf.keySet().stream().filter(n -> n.startsWith("encoder.layer.") && n.endsWith(".weight") && !n.contains("LayerNorm")).count();
        assertThat(linear).isEqualTo(36);
        assertThat(hf.get("encoder.layer.5.intermediate.dense.weight").dims()).containsExactly(1536, 384);
        assertThat(hf.get("embeddings.word_embeddings.weight").dims()).containsExactly(30522, 384);
    }

    // ---- a tiny protobuf writer for ONNX's fields ----

    private static byte[] model(List<byte[]> nodes, List<byte[]> initializers) throws IOException {
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        CodedOutputStream g = CodedOutputStream.newInstance(graph);
        for (byte[] n : nodes) g.writeByteArray(1, n);
        g.writeString(2, "main");
        for (byte[] t : initializers) g.writeByteArray(5, t);
        g.flush();
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        CodedOutputStream m = CodedOutputStream.newInstance(model);
        m.writeInt64(1, 8);           // ir_version, skipped
        m.writeByteArray(7, graph.toByteArray());
        m.flush();
        return model.toByteArray();
    }

    private static byte[] node(String name, String op, String... inputs) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(b);
        for (String i : inputs) o.writeString(1, i);
        o.writeString(2, name + "_out");
        o.writeString(3, name);
        o.writeString(4, op);
        o.flush();
        return b.toByteArray();
    }

    private static byte[] tensorRaw(String name, long[] dims, float[] values) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(b);
        for (long d : dims) o.writeInt64(1, d); // unpacked dims
        o.writeInt32(2, 1);
        o.writeString(8, name);
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        o.writeByteArray(9, raw.array());
        o.flush();
        return b.toByteArray();
    }

    private static byte[] tensorFloatData(String name, long[] dims, float[] values) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(b);
        ByteArrayOutputStream packedDims = new ByteArrayOutputStream();
        CodedOutputStream pd = CodedOutputStream.newInstance(packedDims);
        for (long d : dims) pd.writeInt64NoTag(d);
        pd.flush();
        o.writeByteArray(1, packedDims.toByteArray()); // packed dims
        o.writeInt32(2, 1);
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        CodedOutputStream pf = CodedOutputStream.newInstance(packed);
        for (float v : values) pf.writeFloatNoTag(v);
        pf.flush();
        o.writeByteArray(4, packed.toByteArray());
        o.writeString(8, name);
        o.flush();
        return b.toByteArray();
    }

    private static byte[] intTensor(String name) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(b);
        o.writeInt64(1, 1);
        o.writeInt32(2, 7); // INT64: not a weight
        o.writeString(8, name);
        o.writeByteArray(9, new byte[8]);
        o.flush();
        return b.toByteArray();
    }
}
