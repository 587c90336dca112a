package io.knowhow.tuneencoder.extract;

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
import io.knowhow.tuneencoder.onnx.OnnxGraph;
import io.knowhow.tuneencoder.train.EncoderTuneOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Extracts slot values from texts with a fine-tuned encoder and a per-token linear tagging head:
 * {@code tags = the best valid BIO sequence under log_softmax(encoder(text)·Wᵀ + b)} ({@link BioTags#bestValidSequence}), decoded
 * into one surface string per slot, cut from the input text.
 *
 * <p>The artifact directory, written by {@link #save} and read by {@link #load}:
 * <pre>
 * extractor.json         {"format":"knowhow-encoder-extractor","version":1,"base":"all-minilm-l6-v2",
 *                         "mode":"LORA","max_length":64,"slots":["people","date","time","first_name","last_name"],
 *                         "lora":{"rank":8,"alpha":16.0,"targets":["attention.self.query",...]}}   (lora only in LORA mode)
 * head.safetensors       tagger.weight (tags, hidden) f32, tagger.bias (tags) f32; tag order O, B-slot1, I-slot1, B-slot2, ...
 * adapter.safetensors    LORA: encoder.layer.L.MODULE.lora_A.weight (rank, in), .lora_B.weight (out, rank)
 * encoder.safetensors    FULL: every encoder weight under its Hugging Face BERT name, (out, in) layout
 * </pre>
 * FROZEN and LORA artifacts hold no encoder weights: the base comes from the bundled jar.
 *
 * <p>Thread-safe for concurrent {@link #extract} calls; {@link #close()} frees the native memory.
 */
public final class Extractor implements AutoCloseable {
    public static final String FORMAT = "knowhow-encoder-extractor";
    public static final int VERSION = 1;
    static final String CONFIG = "extractor.json";
    static final String HEAD = "head.safetensors";
    static final String ADAPTER = "adapter.safetensors";
    static final String ENCODER = "encoder.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 32;

    private final EncoderTuneOptions.Mode mode;
    private final BertEncoder encoder;
    private final EncoderLora lora;     // null unless LORA
    private final NDArray headWeight;   // (tags, hidden)
    private final NDArray headBias;     // (tags)
    private final BioTags tags;
    private final EncoderTokenizer tokenizer;

    Extractor(EncoderTuneOptions.Mode mode, BertEncoder encoder, EncoderLora lora, NDArray headWeight, NDArray headBias, BioTags tags,
              EncoderTokenizer tokenizer) {
        this.mode = mode;
        this.encoder = encoder;
        this.lora = lora;
        this.headWeight = headWeight;
        this.headBias = headBias;
        this.tags = tags;
        this.tokenizer = tokenizer;
    }

    /**
     * Reads an artifact written by {@link #save}.
     *
     * @throws IllegalArgumentException naming the file when the directory is not a complete extractor artifact
     */
    public static Extractor load(Path dir) {
        JsonNode config = ArtifactFiles.readConfig(dir.resolve(CONFIG), FORMAT, VERSION, "extractor", "knowhow tune --task extract");
        EncoderTuneOptions.Mode mode = EncoderTuneOptions.Mode.valueOf(config.path("mode").asText());
        List<String> slots = new ArrayList<>();
        config.path("slots").forEach(n -> slots.add(n.asText()));
        BioTags tags = new BioTags(slots);
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
            OnnxGraph.Tensor w = head.get("tagger.weight"), b = head.get("tagger.bias");
            int hidden = encoder.config().hiddenSize(), n = tags.size();
            if (w == null || b == null || w.dims().length != 2 || w.dims()[0] != n || w.dims()[1] != hidden || b.values().length != n)
                throw new IllegalArgumentException(dir.resolve(HEAD) + " must hold tagger.weight (" + n + ", " + hidden + ") and tagger.bias ("
                        + n + ") for the " + slots.size() + " slots of " + dir.resolve(CONFIG));
            tokenizer = BundledEncoder.tokenizer(config.path("max_length").asInt());
            return new Extractor(mode, encoder, lora, Torch.floats(manager, w.values(), w.dims()), Torch.floats(manager, b.values(), b.dims()),
                    tags, tokenizer);
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
                    .put("mode", mode.name()).put("max_length", tokenizer.maxLength());
            ArrayNode slotArray = config.putArray("slots");
            tags.slots().forEach(slotArray::add);
            if (lora != null) {
                ObjectNode l = config.putObject("lora").put("rank", lora.rank()).put("alpha", lora.alpha());
                ArrayNode t = l.putArray("targets");
                lora.targets().stream().sorted().forEach(t::add);
            }
            ArtifactFiles.write(dir.resolve(HEAD), Map.of("tagger.weight", headWeight, "tagger.bias", headBias));
            if (lora != null) ArtifactFiles.write(dir.resolve(ADAPTER), lora.named());
            if (mode == EncoderTuneOptions.Mode.FULL) ArtifactFiles.write(dir.resolve(ENCODER), encoder.weights().named());
            // The config last: a directory with extractor.json is complete.
            Files.writeString(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write extractor to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The slot values found in {@code text}: slot name → the text's characters tagged for it, keys in the
     * schema order of {@link #slots()}, slots not found omitted. Text past the tokenizer's limit is not read.
     */
    public Map<String, String> extract(String text) {
        return extractAll(List.of(text)).getFirst();
    }

    /** {@link #extract} for each of {@code texts}, in order (batched). */
    public List<Map<String, String>> extractAll(List<String> texts) {
        List<Map<String, String>> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) out.add(null);
        boolean grad = Torch.gradMode();
        Torch.gradMode(false);
        // Sorted by length so that a batch's texts pad little; results go back to input order.
        List<Integer> order = IntStream.range(0, texts.size()).boxed().sorted(Comparator.comparingInt(i -> texts.get(i).length())).toList();
        try {
            for (int s = 0; s < texts.size(); s += BATCH) {
                try (NDManager scope = encoder.manager().newSubManager()) {
                    List<Integer> chunk = order.subList(s, Math.min(texts.size(), s + BATCH));
                    List<EncoderTokenizer.Tokens> tokens = chunk.stream().map(i -> tokenizer.tokens(texts.get(i))).toList();
                    EncoderTokenizer.Batch b = EncoderTokenizer.batch(tokens.stream().map(EncoderTokenizer.Tokens::ids).toArray(long[][]::new), scope);
                    float[] logProbs = logits(encoder.forward(b.ids(), b.mask(), lora)).logSoftmax(-1).toFloatArray(); // (B, T, tags)
                    int t = Math.toIntExact(b.ids().getShape().get(1)), k = tags.size();
                    for (int r = 0; r < chunk.size(); r++) {
                        float[] row = java.util.Arrays.copyOfRange(logProbs, r * t * k, (r * t + tokens.get(r).ids().length) * k);
                        int[] best = tags.bestValidSequence(row, tokens.get(r));
                        out.set(chunk.get(r), tags.decode(texts.get(chunk.get(r)), tokens.get(r), best));
                    }
                }
            }
        } finally {
            Torch.gradMode(grad);
        }
        return out;
    }

    /** Tag logits (B, T, tags) for hidden states (B, T, hidden). */
    NDArray logits(NDArray hidden) {
        return hidden.getNDArrayInternal().linear(hidden, headWeight, headBias).singletonOrThrow();
    }

    /** The schema: slot names in output order. */
    public List<String> slots() {
        return tags.slots();
    }

    public EncoderTuneOptions.Mode mode() {
        return mode;
    }

    @Override
    public void close() {
        tokenizer.close();
        encoder.close();
    }
}
