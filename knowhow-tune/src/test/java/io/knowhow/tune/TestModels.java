package io.knowhow.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.tune.model.DecoderWeights;
import io.knowhow.tune.model.Family;
import io.knowhow.tune.model.ModelConfig;
import io.knowhow.tune.safetensors.DType;
import io.knowhow.tune.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes tiny random models in Hugging Face format (config.json, tokenizer.json, tokenizer_config.json,
 * model.safetensors), written by this class's own code rather than knowhow's writer, so loading is
 * tested against an independent producer.
 */
public final class TestModels {
    /** The ChatML template of SmolLM2-Instruct, shortened; it carries a default system prompt. */
    public static final String CHATML_TEMPLATE = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
            + "{{ '<|im_start|>system\\nYou are a tiny test model<|im_end|>\\n' }}{% endif %}"
            + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /**
     * Shape and contents of a test model.
     *
     * @param std standard deviation of the random matrices (larger than a real model's 0.02, so that
     *            the forward pass has signal to compare)
     */
    public record Spec(Family family, int hidden, int intermediate, int layers, int heads, int kvHeads, boolean tied,
                boolean attentionBias, DType dtype, long seed, double std) {
        /** SmolLM-like: Llama, tied embeddings, grouped-query attention. */
        public static Spec llama() {
            return new Spec(Family.LLAMA, 32, 64, 2, 4, 2, true, false, DType.F32, 7, 0.15);
        }

        /** Qwen2-like: q/k/v biases, untied head. */
        public static Spec qwen2() {
            return new Spec(Family.QWEN2, 32, 64, 2, 4, 2, false, false, DType.F32, 11, 0.15);
        }

        public Spec dtype(DType d) {
            return new Spec(family, hidden, intermediate, layers, heads, kvHeads, tied, attentionBias, d, seed, std);
        }

        public Spec std(double s) {
            return new Spec(family, hidden, intermediate, layers, heads, kvHeads, tied, attentionBias, dtype, seed, s);
        }

        public Spec size(int hidden, int intermediate, int layers, int heads, int kvHeads) {
            return new Spec(family, hidden, intermediate, layers, heads, kvHeads, tied, attentionBias, dtype, seed, std);
        }
    }

    private TestModels() {}

    /** Writes the model into {@code dir} (created) and returns its config. */
    public static ModelConfig write(Path dir, Spec spec) throws IOException {
        Files.createDirectories(dir);
        TestTokenizer.write(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode tc = json.createObjectNode().put("chat_template", CHATML_TEMPLATE).put("eos_token", "<|im_end|>");
        Files.writeString(dir.resolve("tokenizer_config.json"), json.writeValueAsString(tc));
        ObjectNode c = json.createObjectNode();
        c.put("model_type", spec.family().modelType()).put("vocab_size", TestTokenizer.VOCAB).put("hidden_size", spec.hidden())
                .put("intermediate_size", spec.intermediate()).put("num_hidden_layers", spec.layers())
                .put("num_attention_heads", spec.heads()).put("num_key_value_heads", spec.kvHeads())
                .put("max_position_embeddings", 256).put("rms_norm_eps", 1e-5).put("rope_theta", 10000.0)
                .put("tie_word_embeddings", spec.tied()).put("hidden_act", "silu").put("torch_dtype", "bfloat16")
                .put("bos_token_id", TestTokenizer.END_OF_TEXT).put("eos_token_id", TestTokenizer.IM_END);
        if (spec.attentionBias()) c.put("attention_bias", true);
        Files.writeString(dir.resolve("config.json"), json.writeValueAsString(c));
        ModelConfig config = io.knowhow.tune.model.ModelConfig.read(dir);

        SplittableRandom random = new SplittableRandom(spec.seed());
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, long[]> e : DecoderWeights.expectedShapes(config).entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            int n = (int) (shape.length == 1 ? shape[0] : shape[0] * shape[1]);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                double g = random.nextDouble() * 2 - 1 + random.nextDouble() * 2 - 1 + random.nextDouble() * 2 - 1; // ~N(0, 1)
                if (name.endsWith("norm.weight")) v[i] = (float) (1 + 0.1 * g);
                else if (name.endsWith(".bias")) v[i] = (float) (0.1 * g);
                else if (name.contains("embed_tokens")) v[i] = (float) (0.5 * g);
                else v[i] = (float) (spec.std() * g);
            }
            entries.add(new SafetensorsWriter.Entry(name, spec.dtype(), shape, bytes(v, spec.dtype())));
        }
        // A tensor transformers' older checkpoints carry and knowhow must ignore.
        entries.add(new SafetensorsWriter.Entry("model.layers.0.self_attn.rotary_emb.inv_freq", DType.F32,
                new long[] {config.headDim() / 2}, bytes(new float[config.headDim() / 2], DType.F32)));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), entries, Map.of("format", "pt"));
        return config;
    }

    /** Little-endian bytes of {@code v} in {@code dtype} (bf16 by truncation, f16 by rounding). */
    static java.util.function.Supplier<ByteBuffer> bytes(float[] v, DType dtype) {
        return () -> {
            ByteBuffer b = ByteBuffer.allocate(v.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (float x : v) {
                switch (dtype) {
                    case F32 -> b.putFloat(x);
                    case F16 -> b.putShort(Float.floatToFloat16(x));
                    case BF16 -> b.putShort((short) (Float.floatToRawIntBits(x) >>> 16));
                }
            }
            return b.flip();
        };
    }

    /** Every tensor of {@code dir}'s model.safetensors as f32, by name (through knowhow's reader). */
    public static Map<String, float[]> readWeights(Path dir) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (var f = io.knowhow.tune.safetensors.SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            for (String name : f.tensors().keySet()) out.put(name, f.floats(name));
        }
        return out;
    }
}
