package io.knowhow.llm.openai;

import io.knowhow.core.port.Generator;
import io.knowhow.core.port.GeneratorContract;
import io.knowhow.core.prompt.CharRatioTokenCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The OpenAI-compatible generator against a scripted loopback server keeps the {@link Generator} contract: whatever the
 * model writes, citations outside the evidence are not reported as cited, and streamed deltas add up to the text.
 */
class OpenAiCompatibleGeneratorContractTest extends GeneratorContract {
    private ScriptedChatServer server;
    private OpenAiCompatibleGenerator generator;

    @BeforeEach
    void start() throws IOException {
        server = new ScriptedChatServer();
        // Every test gets enough replies; the model cites one real and one invented piece of evidence.
        for (int i = 0; i < 4; i++) server.then(ScriptedChatServer.completion("The web interface uses port 8443 [1][7].", 100, 9));
        generator = new OpenAiCompatibleGenerator(LlmSettings.builder(server.root(), "test-model").initialBackoff(Duration.ofMillis(1)).build(),
                CharRatioTokenCounter.CONSERVATIVE, pause -> {});
    }

    @AfterEach
    void stop() {
        generator.close();
        server.close();
    }

    @Override
    protected Generator generator() {
        return generator;
    }

    @Override
    protected boolean abstainsWhenItShould() {
        return false; // it says what the model says; the verifier judges it
    }

    @Override
    @org.junit.jupiter.api.Test
    public void streamedDeltasAddUpToTheText() {
        server.close();
        try {
            server = new ScriptedChatServer();
            server.then(ScriptedChatServer.stream(List.of("The web ", "interface uses ", "port 8443 [1]."), 100, 6));
            generator.close();
            generator = new OpenAiCompatibleGenerator(LlmSettings.builder(server.root(), "test-model").build(),
                    CharRatioTokenCounter.CONSERVATIVE, pause -> {});
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        super.streamedDeltasAddUpToTheText();
    }
}
