package io.knowhow.tuneencoder.embed;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.EmbedderInfo;
import io.knowhow.tune.model.Torch;
import io.knowhow.tuneencoder.model.BertEncoder;
import io.knowhow.tuneencoder.model.ArtifactFiles;
import io.knowhow.tuneencoder.model.BundledEncoder;
import io.knowhow.tuneencoder.model.EncoderConfig;
import io.knowhow.tuneencoder.model.EncoderLora;
import io.knowhow.tuneencoder.model.EncoderTokenizer;
import io.knowhow.tuneencoder.model.EncoderWeights;
import io.knowhow.tuneencoder.model.SentenceEmbedder;
import io.knowhow.tuneencoder.onnx.OnnxGraph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Embeds text with a retrieval-adapted encoder, as knowhow-core's {@link Embedder} port: mean pooling and
 * L2 normalisation, queries and passages alike (MiniLM is symmetric).
 *
 * <p>The artifact directory, written by {@link #save} and read by {@link #load}:
 * <pre>
 * embedder.json          {"format":"knowhow-encoder-embedder","version":1,"base":"all-minilm-l6-v2","method":"LORA",
 *                         "max_length":256,"lora":{"rank":8,"alpha":16.0,"targets":[...]}}
 * adapter.safetensors    LORA: encoder.layer.L.MODULE.lora_A.weight (rank, in), .lora_B.weight (out, rank)
 * encoder.safetensors    FULL: every encoder weight under its Hugging Face BERT name
 * </pre>
 * NOTE: a knowledge base embedded with the base model must be re-embedded after switching to a tuned
 * embedder; {@link #info()}'s id names the artifact so the store notices.
 */
public final class TunedEmbedder implements Embedder {
    public static final String FORMAT = "knowhow-encoder-embedder";
    public static final int VERSION = 1;
    static final String CONFIG = "embedder.json";
    static final String ADAPTER = "adapter.safetensors";
    static final String ENCODER = "encoder.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbedOptions.Method method;
    private final BertEncoder encoder;
    private final EncoderLora lora; // null for FULL
    private final EncoderTokenizer tokenizer;
    private final SentenceEmbedder embedder;
    private final String id;

    TunedEmbedder(EmbedOptions.Method method, BertEncoder encoder, EncoderLora lora, EncoderTokenizer tokenizer, String id) {
        this.method = method;
        this.encoder = encoder;
        this.lora = lora;
        this.tokenizer = tokenizer;
        this.embedder = new SentenceEmbedder(encoder, lora, tokenizer, 32);
        this.id = id;
    }

    /** Reads the embedder in {@code dir}; the id in {@link #info()} is "all-minilm-l6-v2+tuned:" and the directory name. */
    public static TunedEmbedder load(Path dir) {
        JsonNode config = ArtifactFiles.readConfig(dir.resolve(CONFIG), FORMAT, VERSION, "embedder", "knowhow tune --task embed");
        EmbedOptions.Method method = EmbedOptions.Method.valueOf(config.path("method").asText());
        Map<String, OnnxGraph.Tensor> tensors = method == EmbedOptions.Method.FULL ? ArtifactFiles.tensors(dir.resolve(ENCODER)) : BundledEncoder.tensors();
        NDManager manager = Torch.newManager();
        try {
            BertEncoder encoder = new BertEncoder(EncoderWeights.of(EncoderConfig.MINILM_L6, tensors, manager, dir.toString()), manager);
            EncoderLora lora = null;
            if (method == EmbedOptions.Method.LORA) {
                lora = ArtifactFiles.readLora(config, encoder.config(), dir.resolve(ADAPTER), manager);
            }
            return new TunedEmbedder(method, encoder, lora, BundledEncoder.tokenizer(config.path("max_length").asInt()),
                    BundledEncoder.NAME + "+tuned:" + dir.toAbsolutePath().normalize().getFileName());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Writes the artifact described in the class comment into {@code dir}. */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            ObjectNode config = JSON.createObjectNode().put("format", FORMAT).put("version", VERSION).put("base", BundledEncoder.NAME)
                    .put("method", method.name()).put("max_length", tokenizer.maxLength());
            if (lora != null) {
                ObjectNode l = config.putObject("lora").put("rank", lora.rank()).put("alpha", lora.alpha());
                lora.targets().stream().sorted().forEach(l.putArray("targets")::add);
                ArtifactFiles.write(dir.resolve(ADAPTER), lora.named());
            } else {
                ArtifactFiles.write(dir.resolve(ENCODER), encoder.weights().named());
            }
            Files.writeString(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write embedder to " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<float[]> embedAll(List<String> passages) {
        return Arrays.asList(embedder.embed(passages));
    }

    @Override
    public float[] embedQuery(String query) {
        return embedder.embed(List.of(query))[0];
    }

    @Override
    public EmbedderInfo info() {
        return new EmbedderInfo(id, encoder.config().hiddenSize(), tokenizer.maxLength() - 2);
    }

    @Override
    public void close() {
        tokenizer.close();
        encoder.close();
    }
}
