package io.knowhow.embed.onnx;

import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.EmbedderInfo;
import io.knowhow.core.port.TokenCounter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 *
 * <p>The parts, one job each and package-private: {@code ModelSource} (jar resource or directory),
 * {@code EncoderSession} (ONNX Runtime), {@code ModelTokenizer}, {@code TokenBatch} (length-sorted
 * batching), {@code BatchWorkers} (batches side by side) and {@code Pooler} (pooling and
 * normalisation); this class wires them and guards their lifecycle.
 */
public final class OnnxEmbedder implements Embedder, TokenCounter {
    /** Texts tokenized, sorted and embedded together; bounds memory for very large calls. */
    private static final int WINDOW = 2048;

    private final OnnxModelOptions model;
    private final OnnxRuntimeOptions runtime;
    private final EmbedderInfo info;
    private final EncoderSession session;
    private final ModelTokenizer tokenizer;
    private final Pooler pooler;
    private final BatchWorkers workers;
    /** Calls hold the read lock; close takes the write lock so it never frees a session in use. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle

    private OnnxEmbedder(OnnxModelOptions model, OnnxRuntimeOptions runtime, ModelSource source) {
        this.model = Objects.requireNonNull(model, "model options");
        this.runtime = Objects.requireNonNull(runtime, "runtime options");
        guardAgainstDjlTelemetry();
        this.session = EncoderSession.open(source, runtime);
        ModelTokenizer opened = null;
        try {
            opened = ModelTokenizer.open(source, model.maxSequenceLength());
            int contentLimit = model.maxSequenceLength() - opened.specialTokens();
            this.info = new EmbedderInfo(model.name() + "@onnxruntime-" + session.runtimeVersion(),
                    session.dimension(), contentLimit);
        } catch (RuntimeException e) {
            session.close();
            if (opened != null) {
                opened.close();
            }
            throw e;
        }
        this.tokenizer = opened;
        this.pooler = new Pooler(model.pooling(), session.dimension());
        this.workers = new BatchWorkers(runtime.parallelBatches(), model.name());
    }

    /** Loads a model shipped in a jar on the classpath, with {@link OnnxRuntimeOptions#defaults()}. */
    public static OnnxEmbedder bundled(BundledModel model) {
        return bundled(model, OnnxRuntimeOptions.defaults());
    }

    /** Loads a model shipped in a jar on the classpath. */
    public static OnnxEmbedder bundled(BundledModel model, OnnxRuntimeOptions runtime) {
        Objects.requireNonNull(model, "model");
        return bundled(model, model.options(), runtime);
    }

    /**
     * Loads a model shipped in a jar on the classpath that reads at most {@code windowTokens} tokens of
     * each text ({@link BundledModel#options(int)}): longer texts are embedded by their beginning.
     */
    public static OnnxEmbedder bundled(BundledModel model, int windowTokens) {
        Objects.requireNonNull(model, "model");
        return bundled(model, model.options(windowTokens), OnnxRuntimeOptions.defaults());
    }

    private static OnnxEmbedder bundled(BundledModel model, OnnxModelOptions options, OnnxRuntimeOptions runtime) {
        OnnxEmbedder embedder = new OnnxEmbedder(options, runtime, new ModelSource.Resource(model));
        if (embedder.info.dimension() != model.dimension()) {
            embedder.close();
            throw new ModelLoadException("bundled model " + model + " declares " + embedder.info.dimension()
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
        return new OnnxEmbedder(options, runtime, new ModelSource.Directory(modelFile, tokenizerFile));
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
            float[][] out = new float[1][];
            runBatch(new TokenBatch(List.of(tokenizer.encode(model.queryPrefix() + query)), new int[] {0}), out);
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
            return tokenizer.count(text);
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
            workers.close();
            session.close();
            tokenizer.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "OnnxEmbedder[" + info.id() + ", " + runtime + "]";
    }

    private void embedWindow(List<String> texts, float[][] vectors, int offset) {
        List<Runnable> batches = new ArrayList<>();
        for (TokenBatch batch : TokenBatch.lengthSorted(tokenizer.encodeAll(texts), offset, runtime.batchSize())) {
            batches.add(() -> runBatch(batch, vectors));
        }
        workers.runAll(batches, "embedding with " + info.id());
    }

    /** Embeds one batch and stores vector {@code i} at {@code out[batch.positions()[i]]}. */
    private void runBatch(TokenBatch batch, float[][] out) {
        try (EncoderSession.HiddenStates hidden = session.run(batch, info.id())) {
            for (int b = 0; b < batch.size(); b++) {
                out[batch.positions()[b]] = pooler.pool(hidden.states(), b, hidden.length(), batch.tokens(b));
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("embedder " + info.id() + " is closed");
        }
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
}
