package io.knowhow.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a tiny but valid byte-level BPE {@code tokenizer.json} (GPT-2's byte alphabet, a few merges,
 * ChatML special tokens), the kind SmolLM2 and Qwen ship, small enough for a model with a 267-row
 * embedding.
 */
public final class TestTokenizer {
    static final String[] MERGES = {"i n", "n t", "e n", "r e", "Ġ m", "o u", "\" :", "in t"};
    static final String[] SPECIALS = {"<|im_start|>", "<|im_end|>", "<|endoftext|>"};
    /** 256 byte symbols, then one token per merge, then the special tokens. */
    public static final int VOCAB = 256 + MERGES.length + SPECIALS.length;
    public static final int IM_START = 256 + MERGES.length;
    public static final int IM_END = IM_START + 1;
    public static final int END_OF_TEXT = IM_START + 2;

    private TestTokenizer() {}

    /** GPT-2's printable stand-in for each byte (bytes_to_unicode). */
    static char[] byteSymbols() {
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) bs.add(b);
        for (int b = 0xA1; b <= 0xAC; b++) bs.add(b);
        for (int b = 0xAE; b <= 0xFF; b++) bs.add(b);
        char[] out = new char[256];
        for (int b : bs) out[b] = (char) b;
        int n = 0;
        for (int b = 0; b < 256; b++) if (!bs.contains(b)) out[b] = (char) (256 + n++);
        return out;
    }

    /** Writes tokenizer.json into {@code dir}. */
    public static void write(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0").putNull("truncation").putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIALS.length; i++)
            added.addObject().put("id", IM_START + i).put("content", SPECIALS[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        root.putObject("post_processor").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", false).put("use_regex", true);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout").putNull("unk_token").putNull("continuing_subword_prefix")
                .putNull("end_of_word_suffix").put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        char[] symbols = byteSymbols();
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(symbols[b]), b);
        ArrayNode merges = model.putArray("merges");
        for (int i = 0; i < MERGES.length; i++) {
            merges.add(MERGES[i]);
            vocab.put(MERGES[i].replace(" ", ""), 256 + i);
        }
        for (int i = 0; i < SPECIALS.length; i++) vocab.put(SPECIALS[i], IM_START + i);
        Files.writeString(dir.resolve("tokenizer.json"), json.writeValueAsString(root));
    }
}
