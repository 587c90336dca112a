package io.knowhow.tune.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.core.model.ChatMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lays out a conversation the way a model family was trained to read it, as segments that say which
 * text the model is to learn (assistant replies and their end-of-turn marker) and which it only reads.
 *
 * <p>Why hand-written formats instead of running the model's Jinja {@code chat_template}: Java has no
 * engine for Hugging Face's template dialect (its extensions, {@code raise_exception}, tool-call logic),
 * and training needs more than the rendered string: which tokens are the assistant's, for the loss
 * mask. Three layouts cover the supported families; {@link #detect} picks one from the model's files.
 * Each segment is tokenized on its own, in training and in generation alike, so a prompt is the
 * same token sequence in both.
 */
public sealed interface ChatTemplate {
    /** A piece of the laid-out conversation; {@code trained} pieces are the loss targets. */
    record Segment(String text, boolean trained) {}

    /** Short name for logs and reports: chatml, llama3, mistral. */
    String name();

    /** The whole conversation, replies included, for training. */
    List<Segment> conversation(List<ChatMessage> messages);

    /** The conversation so far followed by the opening of an assistant reply, for generation. */
    List<Segment> prompt(List<ChatMessage> messages);

    /** Special tokens that end an assistant reply. */
    List<String> endOfTurnTokens();

    /**
     * The template of the model in {@code modelDir}: from the {@code chat_template} of its
     * tokenizer_config.json when present, else from the special tokens its tokenizer knows.
     *
     * @throws ModelLoadException when neither matches a known layout
     */
    static ChatTemplate detect(Path modelDir, TextTokenizer tokenizer) {
        String template = readTemplate(modelDir.resolve("tokenizer_config.json")).orElse("");
        if (template.contains("<|im_start|>")) return new ChatMl(defaultSystemPrompt(template));
        if (template.contains("<|start_header_id|>")) return new Llama3();
        if (template.contains("[INST]")) return new Mistral();
        if (tokenizer.addedToken("<|im_start|>").isPresent()) return new ChatMl(null);
        if (tokenizer.addedToken("<|start_header_id|>").isPresent()) return new Llama3();
        if (tokenizer.addedToken("[INST]").isPresent()) return new Mistral();
        throw new ModelLoadException("No chat format known for the model in " + modelDir.toAbsolutePath()
                + ": knowhow lays out ChatML (Qwen, SmolLM2), Llama 3 and Mistral conversations, and found none of their markers "
                + "in tokenizer_config.json's chat_template or the tokenizer's special tokens");
    }

    private static Optional<String> readTemplate(Path tokenizerConfig) {
        if (!Files.isRegularFile(tokenizerConfig)) return Optional.empty();
        try {
            JsonNode t = new ObjectMapper().readTree(Files.readString(tokenizerConfig)).path("chat_template");
            if (t.isTextual()) return Optional.of(t.asText());
            if (t.isArray()) // named templates: [{"name": "default", "template": "..."}, ...]
                for (JsonNode named : t) if ("default".equals(named.path("name").asText())) return Optional.of(named.path("template").asText());
            return Optional.empty();
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read " + tokenizerConfig + ": " + e.getMessage(), e);
        }
    }

    /** The system prompt a ChatML template inserts when the conversation has none (Qwen2.5, SmolLM2 do). */
    private static String defaultSystemPrompt(String template) {
        Matcher m = Pattern.compile("<\\|im_start\\|>system(?:\\\\n|\\n)([^'\"{}<]+?)<\\|im_end\\|>").matcher(template);
        return m.find() ? m.group(1) : null;
    }

    /**
     * ChatML, as Qwen2/2.5 and SmolLM2 use it: {@code <|im_start|>role\ncontent<|im_end|>\n} per message,
     * the prompt ending in {@code <|im_start|>assistant\n}.
     *
     * @param defaultSystem system prompt added when the conversation has none, or null
     */
    record ChatMl(String defaultSystem) implements ChatTemplate {
        @Override
        public String name() {
            return "chatml";
        }

        @Override
        public List<Segment> conversation(List<ChatMessage> messages) {
            List<Segment> out = new ArrayList<>();
            if (defaultSystem != null && (messages.isEmpty() || !messages.getFirst().role().equals(ChatMessage.SYSTEM)))
                add(out, ChatMessage.system(defaultSystem));
            for (ChatMessage m : messages) add(out, m);
            return out;
        }

        private static void add(List<Segment> out, ChatMessage m) {
            boolean assistant = m.role().equals(ChatMessage.ASSISTANT);
            out.add(new Segment("<|im_start|>" + m.role() + "\n", false));
            out.add(new Segment(m.content(), assistant));
            out.add(new Segment("<|im_end|>", assistant));
            out.add(new Segment("\n", false));
        }

        @Override
        public List<Segment> prompt(List<ChatMessage> messages) {
            List<Segment> out = conversation(messages);
            out.add(new Segment("<|im_start|>assistant\n", false));
            return out;
        }

        @Override
        public List<String> endOfTurnTokens() {
            return List.of("<|im_end|>", "<|endoftext|>");
        }
    }

    /**
     * Llama 3's header layout: {@code <|begin_of_text|>}, then per message
     * {@code <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>}. (The 3.1+ templates also
     * write a knowledge-cutoff line into the system message; it is left out.)
     */
    record Llama3() implements ChatTemplate {
        @Override
        public String name() {
            return "llama3";
        }

        @Override
        public List<Segment> conversation(List<ChatMessage> messages) {
            List<Segment> out = new ArrayList<>();
            out.add(new Segment("<|begin_of_text|>", false));
            for (ChatMessage m : messages) {
                boolean assistant = m.role().equals(ChatMessage.ASSISTANT);
                out.add(new Segment("<|start_header_id|>" + m.role() + "<|end_header_id|>\n\n", false));
                out.add(new Segment(m.content().strip(), assistant));
                out.add(new Segment("<|eot_id|>", assistant));
            }
            return out;
        }

        @Override
        public List<Segment> prompt(List<ChatMessage> messages) {
            List<Segment> out = conversation(messages);
            out.add(new Segment("<|start_header_id|>assistant<|end_header_id|>\n\n", false));
            return out;
        }

        @Override
        public List<String> endOfTurnTokens() {
            return List.of("<|eot_id|>", "<|end_of_text|>", "<|eom_id|>");
        }
    }

    /**
     * Mistral's instruction layout: {@code <s>[INST] user [/INST]answer</s>}, a system message put in
     * front of the first user message.
     */
    record Mistral() implements ChatTemplate {
        @Override
        public String name() {
            return "mistral";
        }

        @Override
        public List<Segment> conversation(List<ChatMessage> messages) {
            List<Segment> out = new ArrayList<>();
            out.add(new Segment("<s>", false));
            String system = null;
            for (ChatMessage m : messages) {
                switch (m.role()) {
                    case ChatMessage.SYSTEM -> system = m.content().strip();
                    case ChatMessage.USER -> {
                        String user = system == null ? m.content().strip() : system + "\n\n" + m.content().strip();
                        system = null;
                        out.add(new Segment("[INST] " + user + " [/INST]", false));
                    }
                    default -> {
                        out.add(new Segment(m.content().strip(), true));
                        out.add(new Segment("</s>", true));
                    }
                }
            }
            return out;
        }

        @Override
        public List<Segment> prompt(List<ChatMessage> messages) {
            return conversation(messages);
        }

        @Override
        public List<String> endOfTurnTokens() {
            return List.of("</s>");
        }
    }
}
