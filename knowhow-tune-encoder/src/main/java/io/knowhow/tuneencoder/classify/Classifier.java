package io.knowhow.tuneencoder.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.tune.model.Torch;
import io.knowhow.tuneencoder.model.ArtifactFiles;
import io.knowhow.tuneencoder.model.BertEncoder;
import io.knowhow.tuneencoder.model.BundledEncoder;
import io.knowhow.tuneencoder.model.EncoderConfig;
import io.knowhow.tuneencoder.model.EncoderLora;
import io.knowhow.tuneencoder.model.EncoderTokenizer;
import io.knowhow.tuneencoder.model.EncoderWeights;
import io.knowhow.tuneencoder.model.SentenceEmbedder;
import io.knowhow.tuneencoder.onnx.OnnxGraph;
import io.knowhow.tuneencoder.train.EncoderTuneOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Classifies texts with a fine-tuned encoder and a linear head on its mean-pooled vector:
 * {@code probabilities = softmax(meanPool(encoder(text))·Wᵀ + b)}.
 *
 * <p>The artifact directory, written by {@link #save} and read by {@link #load}:
 * <pre>
 * classifier.json        {"format":"knowhow-encoder-classifier","version":1,"base":"all-minilm-l6-v2",
 *                         "mode":"LORA","max_length":64,"labels":77,
 *                         "lora":{"rank":8,"alpha":16.0,"targets":["attention.self.query",...]}}   (lora only in LORA mode)
 * labels.json            ["activate_my_card", ...]   index i is row i of the head
 * head.safetensors       classifier.weight (labels, hidden) f32, classifier.bias (labels) f32
 * adapter.safetensors    LORA: encoder.layer.L.MODULE.lora_A.weight (rank, in), .lora_B.weight (out, rank)
 * encoder.safetensors    FULL: every encoder weight under its Hugging Face BERT name, (out, in) layout
 * </pre>
 * FROZEN and LORA artifacts hold no encoder weights: the base comes from the bundled jar.
 *
 * <p>Thread-safe for concurrent {@link #classify} calls; {@link #close()} frees the native memory.
 */
public final class Classifier implements AutoCloseable {
    public static final String FORMAT = "knowhow-encoder-classifier";
    public static final int VERSION = 1;
    static final String CONFIG = "classifier.json";
    static final String LABELS = "labels.json";
    static final String HEAD = "head.safetensors";
    static final String ADAPTER = "adapter.safetensors";
    static final String ENCODER = "encoder.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 32;

    private final EncoderTuneOptions.Mode mode;
    private final BertEncoder encoder;
    private final EncoderLora lora;       // null unless LORA
    private final NDArray headWeight;     // (labels, hidden)
    private final NDArray headBias;       // (labels)
    private final List<String> labels;
    private final EncoderTokenizer tokenizer;

    Classifier(EncoderTuneOptions.Mode mode, BertEncoder encoder, EncoderLora lora, NDArray headWeight, NDArray headBias, List<String> labels,
               EncoderTokenizer tokenizer) {
        this.mode = mode;
        this.encoder = encoder;
        this.lora = lora;
        this.headWeight = headWeight;
        this.headBias = headBias;
        this.labels = List.copyOf(labels);
        this.tokenizer = tokenizer;
    }

    /**
     * Reads the classifier in {@code dir}.
     *
     * @throws IllegalArgumentException naming the file when the directory is not a classifier artifact
     */
    public static Classifier load(Path dir) {
        JsonNode config = ArtifactFiles.readConfig(dir.resolve(CONFIG), FORMAT, VERSION, "classifier", "knowhow tune --task classify");
        EncoderTuneOptions.Mode mode = EncoderTuneOptions.Mode.valueOf(config.path("mode").asText());
        List<String> labels = new ArrayList<>();
        ArtifactFiles.readJson(dir.resolve(LABELS), "a classifier directory written by knowhow tune --task classify").forEach(n -> labels.add(n.asText()));
        Map<String, OnnxGraph.Tensor> tensors = mode == EncoderTuneOptions.Mode.FULL ? ArtifactFiles.tensors(dir.resolve(ENCODER)) : BundledEncoder.tensors();
        NDManager manager = Torch.newManager();
        EncoderTokenizer tokenizer = null;
        try {
            BertEncoder encoder = new BertEncoder(EncoderWeights.of(EncoderConfig.MINILM_L6, tensors, manager, dir.toString()), manager);
            EncoderLora lora = null;
            if (mode == EncoderTuneOptions.Mode.LORA) {
                lora = ArtifactFiles.readLora(config, encoder.config(), dir.resolve(ADAPTER), manager);
            }
            Map<String, OnnxGraph.Tensor> head = ArtifactFiles.tensors(dir.resolve(HEAD));
            OnnxGraph.Tensor w = head.get("classifier.weight"), b = head.get("classifier.bias");
            int hidden = encoder.config().hiddenSize();
            if (w == null || b == null || w.dims().length != 2 || w.dims()[0] != labels.size() || w.dims()[1] != hidden || b.values().length != labels.size())
                throw new IllegalArgumentException(dir.resolve(HEAD) + " must hold classifier.weight (" + labels.size() + ", " + hidden
                        + ") and classifier.bias (" + labels.size() + ") for the " + labels.size() + " labels of " + dir.resolve(LABELS));
            tokenizer = BundledEncoder.tokenizer(config.path("max_length").asInt());
            return new Classifier(mode, encoder, lora, Torch.floats(manager, w.values(), w.dims()), Torch.floats(manager, b.values(), b.dims()),
                    labels, tokenizer);
        } catch (RuntimeException e) {
            if (tokenizer != null) tokenizer.close();
            manager.close();
            throw e;
        }
    }

    /** Writes the artifact described in the class comment into {@code dir}. */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            ObjectNode config = JSON.createObjectNode().put("format", FORMAT).put("version", VERSION).put("base", BundledEncoder.NAME)
                    .put("mode", mode.name()).put("max_length", tokenizer.maxLength()).put("labels", labels.size());
            if (lora != null) {
                ObjectNode l = config.putObject("lora").put("rank", lora.rank()).put("alpha", lora.alpha());
                ArrayNode t = l.putArray("targets");
                lora.targets().stream().sorted().forEach(t::add);
            }
            ArrayNode labelArray = JSON.createArrayNode();
            labels.forEach(labelArray::add);
            Files.writeString(dir.resolve(LABELS), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(labelArray));
            ArtifactFiles.write(dir.resolve(HEAD), Map.of("classifier.weight", headWeight, "classifier.bias", headBias));
            if (lora != null) ArtifactFiles.write(dir.resolve(ADAPTER), lora.named());
            if (mode == EncoderTuneOptions.Mode.FULL) ArtifactFiles.write(dir.resolve(ENCODER), encoder.weights().named());
            // The config last: a directory with classifier.json is complete.
            Files.writeString(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write classifier to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The label of {@code text} and every label's probability. */
    public Prediction classify(String text) {
        return classifyAll(List.of(text)).getFirst();
    }

    /** Predictions for {@code texts}, in order (batched). */
    public List<Prediction> classifyAll(List<String> texts) {
        float[][] probs = probabilities(texts);
        List<Prediction> out = new ArrayList<>(texts.size());
        for (float[] p : probs) {
            Map<String, Double> byLabel = new LinkedHashMap<>();
            IntStream.range(0, p.length).boxed().sorted(Comparator.comparingDouble(i -> -p[i]))
                    .forEach(i -> byLabel.put(labels.get(i), (double) p[i]));
            out.add(new Prediction(byLabel.keySet().iterator().next(), byLabel));
        }
        return out;
    }

    /** Probabilities (texts, labels) in label order. */
    float[][] probabilities(List<String> texts) {
        float[][] out = new float[texts.size()][];
        boolean grad = Torch.gradMode();
        Torch.gradMode(false);
        // Sorted by length so that a batch's texts pad little; results go back to input order.
        List<Integer> order = IntStream.range(0, texts.size()).boxed().sorted(Comparator.comparingInt(i -> texts.get(i).length())).toList();
        try {
            for (int s = 0; s < texts.size(); s += BATCH) {
                try (NDManager scope = encoder.manager().newSubManager()) {
                    List<Integer> chunk = order.subList(s, Math.min(texts.size(), s + BATCH));
                    EncoderTokenizer.Batch b = tokenizer.batch(chunk.stream().map(texts::get).toList(), scope);
                    NDArray pooled = BertEncoder.meanPool(encoder.forward(b.ids(), b.mask(), lora), b.mask());
                    float[] flat = logits(pooled).softmax(-1).toFloatArray();
                    int n = labels.size();
                    for (int r = 0; r < chunk.size(); r++) {
                        float[] row = new float[n];
                        System.arraycopy(flat, r * n, row, 0, n);
                        out[chunk.get(r)] = row;
                    }
                }
            }
        } finally {
            Torch.gradMode(grad);
        }
        return out;
    }

    /** Logits (B, labels) for pooled vectors (B, hidden). */
    NDArray logits(NDArray pooled) {
        return pooled.getNDArrayInternal().linear(pooled, headWeight, headBias).singletonOrThrow();
    }

    /** Labels in head order. */
    public List<String> labels() {
        return labels;
    }

    public EncoderTuneOptions.Mode mode() {
        return mode;
    }

    /**
     * Sentence embeddings from this classifier's encoder (with its adapter), for measuring what the
     * fine-tune did to retrieval. Uses the classifier's tokenizer limit unless {@code tokenizer} is given.
     */
    public SentenceEmbedder embedder(EncoderTokenizer tokenizer, int batchSize) {
        return new SentenceEmbedder(encoder, lora, tokenizer, batchSize);
    }

    @Override
    public void close() {
        tokenizer.close();
        encoder.close();
    }
}
