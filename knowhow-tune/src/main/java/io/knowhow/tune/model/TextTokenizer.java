package io.knowhow.tune.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.core.port.TokenCounter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A model's tokenizer, from its {@code tokenizer.json}, on the Hugging Face tokenizers library (DJL's
 * binding). Text is encoded without added special tokens (chat templates write them out as text, and
 * the library recognises them there), never truncated and never padded.
 *
 * <p>Thread-safe.
 */
public final class TextTokenizer implements TokenCounter, AutoCloseable {
    private final Path file;
    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> addedTokens; // content → id, from tokenizer.json's added_tokens
    private final Set<Integer> specialIds;

    private TextTokenizer(Path file, HuggingFaceTokenizer tokenizer, Map<String, Integer> addedTokens, Set<Integer> specialIds) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.addedTokens = Collections.unmodifiableMap(addedTokens);
        this.specialIds = Set.copyOf(specialIds);
    }

    /**
     * Loads {@code tokenizerJson}.
     *
     * @throws ModelLoadException naming the file when it is missing or not a tokenizer
     */
    public static TextTokenizer load(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) throw new ModelLoadException("Tokenizer file not found: " + tokenizerJson.toAbsolutePath());
        Map<String, Integer> added = new LinkedHashMap<>();
        Set<Integer> special = new HashSet<>();
        try {
            JsonNode root = new ObjectMapper().readTree(Files.readString(tokenizerJson));
            for (JsonNode t : root.path("added_tokens")) {
                added.put(t.path("content").asText(), t.path("id").asInt());
                if (t.path("special").asBoolean(false)) special.add(t.path("id").asInt());
            }
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        try {
            // DJL's defaults would truncate to 512 tokens and pad: both off, and no special tokens added.
            HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                    "addSpecialTokens", "false", "truncation", "false", "padding", "false",
                    "modelMaxLength", String.valueOf(Integer.MAX_VALUE)));
            return new TextTokenizer(tokenizerJson, tok, added, special);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("Cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** Token ids of {@code text}; special-token strings in it become their single ids. */
    public int[] encode(String text) {
        if (text.isEmpty()) return new int[0];
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
        return out;
    }

    /** Text of {@code ids}, special tokens left out. */
    public String decode(int[] ids) {
        if (ids.length == 0) return "";
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = ids[i];
        return tokenizer.decode(l, true);
    }

    @Override
    public int count(String text) {
        return encode(text).length;
    }

    /** The id of an added token (such as {@code <|im_end|>}), if the tokenizer has it. */
    public OptionalInt addedToken(String content) {
        Integer id = addedTokens.get(content);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Whether {@code id} is one of the tokenizer's special tokens. */
    public boolean isSpecial(int id) {
        return specialIds.contains(id);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "TextTokenizer[" + file + "]";
    }
}
