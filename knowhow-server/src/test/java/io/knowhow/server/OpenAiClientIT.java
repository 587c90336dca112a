package io.knowhow.server;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An OpenAI client library (LangChain4j's OpenAiChatModel and OpenAiStreamingChatModel) talks to /v1 unchanged. */
class OpenAiClientIT {
    @TempDir
    static Path tmp;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(tmp, true, Map.of());
    }

    @AfterAll
    static void stop() {
        if (s != null) s.close();
    }

    static String baseUrl() {
        return s.server.uri() + "v1";
    }

    @Test
    void openAiChatModelGetsACitedAnswerAsTheKeysReader() {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(baseUrl()).apiKey(s.keys.get("alpha")).modelName("knowhow-rag")
                .timeout(Duration.ofSeconds(60)).maxRetries(0).build();
        ChatResponse r = model.chat(SystemMessage.from("Answer briefly."), UserMessage.from("What is the launch codename of Project Falcon?"));
        assertThat(r.aiMessage().text()).contains(TestServer.SECRETS.get("alpha")).contains("[1]");
        assertThat(r.finishReason().name()).isEqualTo("STOP");
        String other = model.chat("What is the launch codename of Project Osprey?");
        assertThat(other).doesNotContain(TestServer.SECRETS.get("beta"));
    }

    @Test
    void openAiStreamingChatModelStreamsTheAnswer() throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(baseUrl()).apiKey(s.keys.get("beta"))
                .modelName("knowhow-rag").timeout(Duration.ofSeconds(60)).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat("What is the launch codename of Project Osprey?", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                partial.append(text);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        assertThat(partial.toString()).contains(TestServer.SECRETS.get("beta"));
        assertThat(r.aiMessage().text()).isEqualTo(partial.toString());
    }

    @Test
    void aWrongKeyOrModelFailsAsOpenAiClientsExpect() {
        OpenAiChatModel badKey = OpenAiChatModel.builder().baseUrl(baseUrl()).apiKey("kh_wrong").modelName("knowhow-rag").maxRetries(0).build();
        assertThatThrownBy(() -> badKey.chat("hello")).hasMessageContaining("unauthorized");
        OpenAiChatModel badModel = OpenAiChatModel.builder().baseUrl(baseUrl()).apiKey(s.keys.get("alpha")).modelName("gpt-4o").maxRetries(0).build();
        assertThatThrownBy(() -> badModel.chat("hello")).hasMessageContaining("knowhow-rag");
    }
}
