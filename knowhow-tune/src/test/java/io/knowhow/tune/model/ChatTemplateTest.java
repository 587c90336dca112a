package io.knowhow.tune.model;

import io.knowhow.core.model.ChatMessage;
import io.knowhow.tune.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-family chat layouts and their detection. */
class ChatTemplateTest {
    @TempDir
    Path tmp;

    static String render(List<ChatTemplate.Segment> segments) {
        return segments.stream().map(ChatTemplate.Segment::text).collect(Collectors.joining());
    }

    static String trained(List<ChatTemplate.Segment> segments) {
        return segments.stream().filter(ChatTemplate.Segment::trained).map(ChatTemplate.Segment::text).collect(Collectors.joining());
    }

    final List<ChatMessage> conversation = List.of(ChatMessage.user("Hi"), new ChatMessage("assistant", "Hello!"));

    @Test
    void chatMlTakesTheDefaultSystemPromptFromTheModelsTemplate() throws Exception {
        Path dir = tmp.resolve("model");
        TestModels.write(dir, TestModels.Spec.llama());
        try (TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"))) {
            ChatTemplate t = ChatTemplate.detect(dir, tok);
            assertThat(t.name()).isEqualTo("chatml");
            assertThat(render(t.conversation(conversation))).isEqualTo("<|im_start|>system\nYou are a tiny test model<|im_end|>\n"
                    + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n");
            assertThat(trained(t.conversation(conversation))).isEqualTo("Hello!<|im_end|>");
            assertThat(render(t.prompt(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")))))
                    .isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");

            Files.delete(dir.resolve("tokenizer_config.json")); // then the tokenizer's special tokens decide, without a default
            ChatTemplate bare = ChatTemplate.detect(dir, tok);
            assertThat(render(bare.prompt(List.of(ChatMessage.user("Hi"))))).isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        }
    }

    @Test
    void llama3AndMistralLayouts() throws Exception {
        ChatTemplate llama3 = new ChatTemplate.Llama3();
        assertThat(render(llama3.conversation(conversation))).isEqualTo("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>");
        assertThat(trained(llama3.conversation(conversation))).isEqualTo("Hello!<|eot_id|>");
        assertThat(render(llama3.prompt(List.of(ChatMessage.user("Hi")))))
                .endsWith("Hi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
        ChatTemplate mistral = new ChatTemplate.Mistral();
        assertThat(render(mistral.conversation(List.of(ChatMessage.system("Sys"), ChatMessage.user("Hi"), new ChatMessage("assistant", "Yo")))))
                .isEqualTo("<s>[INST] Sys\n\nHi [/INST]Yo</s>");

        Path dir = tmp.resolve("model");
        TestModels.write(dir, TestModels.Spec.llama());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"{{ '<|start_header_id|>' + message['role'] }}\"}");
        try (TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"))) {
            assertThat(ChatTemplate.detect(dir, tok).name()).isEqualTo("llama3");
            Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"{{ message['content'] }}\"}");
            String json = Files.readString(dir.resolve("tokenizer.json")).replace("<|im_start|>", "<|x|>");
            Files.writeString(dir.resolve("tokenizer.json"), json);
            try (TextTokenizer other = TextTokenizer.load(dir.resolve("tokenizer.json"))) {
                assertThatThrownBy(() -> ChatTemplate.detect(dir, other)).isInstanceOf(ModelLoadException.class)
                        .hasMessageContaining(dir.toAbsolutePath().toString()).hasMessageContaining("ChatML");
            }
        }
    }

    @Test
    void theTokenizerNeitherTruncatesNorAddsSpecialTokens() throws Exception {
        Path dir = tmp.resolve("model");
        TestModels.write(dir, TestModels.Spec.llama());
        try (TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"))) {
            String longText = "xq ".repeat(700); // DJL's default would cut this at 512 tokens
            int[] ids = tok.encode(longText);
            assertThat(ids.length).isGreaterThan(700);
            assertThat(tok.decode(ids)).isEqualTo(longText);
            assertThat(tok.encode("<|im_start|>user")).startsWith(io.knowhow.tune.TestTokenizer.IM_START);
            assertThat(tok.encode("in")).containsExactly(256); // the first merge
            assertThat(tok.count("")).isZero();
        }
    }
}
