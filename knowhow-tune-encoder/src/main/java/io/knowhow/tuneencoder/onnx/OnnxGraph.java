package io.knowhow.tuneencoder.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the parts of an ONNX {@code ModelProto} that hold an encoder's weights: the graph's float
 * initializers and its nodes' names, operators and inputs.
 *
 * <p>Written against the wire format with protobuf-java's {@link CodedInputStream} rather than with
 * generated classes: the ONNX schema is not published on Maven Central as Java classes, generating them
 * would add protoc to the build, and five fields of three messages are all that is needed. The field
 * numbers, from onnx/onnx.proto3:
 * <pre>
 * ModelProto   7 graph (GraphProto)
 * GraphProto   1 node (NodeProto, repeated)   5 initializer (TensorProto, repeated)
 * NodeProto    1 input (string, repeated)      3 name (string)     4 op_type (string)
 * TensorProto  1 dims (int64, repeated, packed or not)   2 data_type (int32; 1 = FLOAT)
 *              4 float_data (float, packed)   8 name (string)     9 raw_data (bytes, little-endian)
 *             14 data_location (1 = EXTERNAL: not supported, the bundled files are self-contained)
 * </pre>
 * Every other field is skipped. Only FLOAT initializers are kept (integer constants such as shapes are
 * not weights).
 *
 * @param initializers float initializers by their ONNX name, in file order
 * @param nodes        the graph's nodes, in file order
 */
public record OnnxGraph(Map<String, Tensor> initializers, List<Node> nodes) {
    private static final int FLOAT = 1;
    private static final int EXTERNAL = 1;

    public OnnxGraph {
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        nodes = List.copyOf(nodes);
    }

    /**
     * A float initializer.
     *
     * @param name   ONNX name
     * @param dims   shape, outermost first
     * @param values row-major values
     */
    public record Tensor(String name, long[] dims, float[] values) {
        public Tensor {
            dims = dims.clone();
        }

        @Override
        public long[] dims() {
            return dims.clone();
        }
    }

    /**
     * A graph node.
     *
     * @param name   node name (exporters from PyTorch use the module path, e.g. {@code /encoder/layer.0/attention/self/query/MatMul})
     * @param opType operator, e.g. {@code MatMul}
     * @param inputs names of its inputs
     */
    public record Node(String name, String opType, List<String> inputs) {
        public Node {
            inputs = List.copyOf(inputs);
        }
    }

    /**
     * Parses a serialized {@code ModelProto}.
     *
     * @param source names the bytes' origin in error messages
     * @throws OnnxFormatException naming {@code source} when the bytes are not an ONNX model with a graph
     */
    public static OnnxGraph parse(byte[] model, String source) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(model);
            in.setSizeLimit(Integer.MAX_VALUE);
            Map<String, Tensor> initializers = new LinkedHashMap<>();
            List<Node> nodes = new ArrayList<>();
            boolean graph = false;
            for (int tag; (tag = in.readTag()) != 0; ) {
                if (WireFormat.getTagFieldNumber(tag) == 7 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    readGraph(in, initializers, nodes, source);
                    in.popLimit(limit);
                    graph = true;
                } else {
                    in.skipField(tag);
                }
            }
            if (!graph) throw new OnnxFormatException(source + " holds no ONNX graph (ModelProto field 7); is it an ONNX model?");
            return new OnnxGraph(initializers, nodes);
        } catch (IOException e) {
            throw new OnnxFormatException(source + " is not a readable ONNX model: " + e.getMessage(), e);
        }
    }

    private static void readGraph(CodedInputStream in, Map<String, Tensor> initializers, List<Node> nodes, String source) throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                nodes.add(readNode(in));
                in.popLimit(limit);
            } else if (field == 5 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                Tensor t = readTensor(in, source);
                in.popLimit(limit);
                if (t != null) initializers.put(t.name(), t);
            } else {
                in.skipField(tag);
            }
        }
    }

    private static Node readNode(CodedInputStream in) throws IOException {
        List<String> inputs = new ArrayList<>();
        String name = "", op = "";
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(in.readStringRequireUtf8());
                case 3 -> name = in.readStringRequireUtf8();
                case 4 -> op = in.readStringRequireUtf8();
                default -> in.skipField(tag);
            }
        }
        return new Node(name, op, inputs);
    }

    /** One TensorProto; null when it is not FLOAT. */
    private static Tensor readTensor(CodedInputStream in, String source) throws IOException {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        byte[] raw = null;
        List<Float> floatData = new ArrayList<>();
        boolean external = false;
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            switch (field) {
                case 1 -> {
                    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) dims.add(in.readInt64());
                        in.popLimit(limit);
                    } else {
                        dims.add(in.readInt64());
                    }
                }
                case 2 -> dataType = in.readInt32();
                case 4 -> {
                    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) floatData.add(in.readFloat());
                        in.popLimit(limit);
                    } else {
                        floatData.add(in.readFloat());
                    }
                }
                case 8 -> name = in.readStringRequireUtf8();
                case 9 -> raw = in.readByteArray();
                case 14 -> external = in.readInt32() == EXTERNAL;
                default -> in.skipField(tag);
            }
        }
        if (dataType != FLOAT) return null;
        if (external)
            throw new OnnxFormatException(source + ": initializer '" + name + "' keeps its data in an external file, which is not supported;"
                    + " export the model with the weights inside the .onnx file");
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : shape) count *= d;
        float[] values;
        if (raw != null) {
            if (raw.length != count * 4)
                throw new OnnxFormatException(source + ": initializer '" + name + "' has " + raw.length + " bytes of data, its shape needs " + count * 4);
            values = new float[(int) count];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        } else {
            if (floatData.size() != count)
                throw new OnnxFormatException(source + ": initializer '" + name + "' has " + floatData.size() + " values, its shape needs " + count);
            values = new float[(int) count];
            for (int i = 0; i < values.length; i++) values[i] = floatData.get(i);
        }
        return new Tensor(name, shape, values);
    }
}
