package io.knowhow.embed.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A BERT-style encoder on ONNX Runtime: checks the model's inputs and output when opened, then turns
 * padded token batches into {@code last_hidden_state}. Thread-safe: ONNX Runtime sessions allow
 * concurrent runs.
 */
final class EncoderSession implements AutoCloseable {
    private static final String OUTPUT = "last_hidden_state";
    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final boolean feedsTokenTypeIds;
    private final String outputName;
    private final int dimension;

    private EncoderSession(OrtEnvironment environment, OrtSession session, ModelSource source) throws OrtException {
        this.environment = environment;
        this.session = session;
        Set<String> inputs = session.getInputNames();
        if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)) {
            throw new ModelLoadException(source.describeModel() + " takes inputs " + inputs
                    + "; expected a BERT-style encoder with input_ids and attention_mask");
        }
        this.feedsTokenTypeIds = inputs.contains(TOKEN_TYPE_IDS);
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        this.outputName = outputs.containsKey(OUTPUT) ? OUTPUT : outputs.keySet().iterator().next();
        this.dimension = hiddenSize(outputs.get(outputName), source);
    }

    /**
     * Opens the model of {@code source} with the threads of {@code runtime}.
     *
     * @throws ModelLoadException naming the model when ONNX Runtime cannot load it or it is no
     *                            BERT-style encoder
     */
    static EncoderSession open(ModelSource source, OnnxRuntimeOptions runtime) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try {
            session = source.openSession(environment, sessionOptions(runtime));
            return new EncoderSession(environment, session, source);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new ModelLoadException(source.describeModel() + " could not be loaded by ONNX Runtime "
                    + environment.getVersion() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** Length of each token vector in {@code last_hidden_state}. */
    int dimension() {
        return dimension;
    }

    /** The ONNX Runtime version, part of the embedder id because vectors may change with it. */
    String runtimeVersion() {
        return environment.getVersion();
    }

    /**
     * Runs the encoder on {@code batch}, padded to its longest text.
     *
     * @param modelId names the model in messages
     * @return hidden states (batch, length, dimension); the caller closes them
     */
    HiddenStates run(TokenBatch batch, String modelId) {
        int size = batch.size();
        int length = batch.length();
        long[] shape = {size, length};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(INPUT_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.paddedIds(length)), shape));
            inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(environment,
                    LongBuffer.wrap(batch.attentionMask(length)), shape));
            if (feedsTokenTypeIds) {
                // One sequence per text: every token is segment 0.
                inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[size * length]), shape));
            }
            OrtSession.Result result = session.run(inputs, Set.of(outputName));
            try {
                OnnxTensor hidden = (OnnxTensor) result.get(0);
                long[] hiddenShape = hidden.getInfo().getShape(); // (batch, length, dimension)
                if (hiddenShape.length != 3 || hiddenShape[0] != size || hiddenShape[1] != length
                        || hiddenShape[2] != dimension) {
                    throw new IllegalStateException(modelId + " returned " + outputName + " of shape "
                            + Arrays.toString(hiddenShape) + ", expected [" + size + ", " + length + ", " + dimension + "]");
                }
                return new HiddenStates(result, hidden.getFloatBuffer(), length);
            } catch (RuntimeException e) {
                result.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to embed a batch with " + modelId + ": " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    /**
     * One run's output, alive until closed.
     *
     * @param states (batch, length, dimension), row-major
     * @param length padded sequence length of the batch
     */
    record HiddenStates(OrtSession.Result result, FloatBuffer states, int length) implements AutoCloseable {
        @Override
        public void close() {
            result.close();
        }
    }

    private static int hiddenSize(NodeInfo output, ModelSource source) {
        if (output.getInfo() instanceof TensorInfo tensor) {
            long[] shape = tensor.getShape();
            if (shape.length == 3 && shape[2] > 0) {
                return Math.toIntExact(shape[2]);
            }
            throw new ModelLoadException(source.describeModel() + " declares output " + output.getName() + " of shape "
                    + Arrays.toString(shape) + "; expected (batch, sequence, hidden) with a fixed hidden size");
        }
        throw new ModelLoadException(source.describeModel() + " output " + output.getName() + " is not a tensor");
    }

    private static OrtSession.SessionOptions sessionOptions(OnnxRuntimeOptions runtime) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(runtime.intraOpThreads());
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return options;
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // Nothing useful to do: the session is gone either way.
            }
        }
    }
}
