package io.knowhow.llm.openai;

import io.knowhow.core.model.Usage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LlmSettingsTest {
    @Test
    void acceptsTheRootWithOrWithoutV1AndEvenTheFullEndpoint() {
        for (String url : new String[]{"http://localhost:8080", "http://localhost:8080/", "http://localhost:8080/v1", "http://localhost:8080/v1/",
                "http://localhost:8080/v1/chat/completions"}) {
            assertThat(LlmSettings.builder(url, "m").build().chatCompletionsUrl()).as(url)
                    .hasToString("http://localhost:8080/v1/chat/completions");
        }
    }

    @Test
    void keepsAnotherVersionedPathAsGiven() {
        assertThat(LlmSettings.builder("https://generativelanguage.googleapis.com/v1beta/openai/", "gemini").build().baseUrl())
                .hasToString("https://generativelanguage.googleapis.com/v1beta/openai");
    }

    @Test
    void rejectsWhatIsNotAnHttpUrl() {
        assertThatThrownBy(() -> LlmSettings.builder("localhost:8080", "m").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("llm.base-url").hasMessageContaining("http://");
        assertThatThrownBy(() -> LlmSettings.builder("http://host/v1?key=abc", "m").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("llm.api-key");
    }

    @Test
    void validatesEachSettingWithItsKeyInTheMessage() {
        assertThatThrownBy(() -> LlmSettings.builder("http://h", " ").build()).hasMessageContaining("llm.model");
        assertThatThrownBy(() -> LlmSettings.builder("http://h", "m").temperature(2.5).build()).hasMessageContaining("llm.temperature");
        assertThatThrownBy(() -> LlmSettings.builder("http://h", "m").maxTokens(9000).build())
                .hasMessageContaining("llm.max-tokens (9000) must be smaller than llm.context-window (8192)");
        assertThatThrownBy(() -> LlmSettings.builder("http://h", "m").promptPricePer1k(-1).build()).hasMessageContaining("llm.price.prompt-per-1k");
        assertThatThrownBy(() -> LlmSettings.builder("http://h", "m").readTimeout(Duration.ZERO).build()).hasMessageContaining("llm.timeout-seconds");
        assertThatThrownBy(() -> LlmSettings.builder("http://h", "m").apiKey("sk bad").build()).hasMessageContaining("llm.api-key");
    }

    @Test
    void toStringSaysAKeyIsSetButNotWhich() {
        LlmSettings s = LlmSettings.builder("http://h", "m").apiKey("sk-secret-123").build();

        assertThat(s.toString()).doesNotContain("sk-secret-123").contains("apiKey=set");
        assertThat(LlmSettings.builder("http://h", "m").build().toString()).contains("apiKey=none");
    }

    @Test
    void costIsPricedPerThousandTokens() {
        LlmSettings s = LlmSettings.builder("http://h", "m").promptPricePer1k(0.15).completionPricePer1k(0.6).build();

        assertThat(s.cost(new Usage(2000, 500))).isCloseTo(0.3 + 0.3, within(1e-12));
        assertThat(s.cost(Usage.ZERO)).isZero();
    }

    @Test
    void noBaseUrlMeansNoLlm() {
        assertThat(LlmSettings.fromEnvironment(Map.of(), Map.of("llm.model", "m"))).isEmpty();
        assertThat(LlmSettings.fromEnvironment(Map.of("KNOWHOW_LLM_BASE_URL", "  "), Map.of())).isEmpty();
    }

    @Test
    void readsEveryConfigKey() {
        Map<String, String> config = Map.ofEntries(
                Map.entry("llm.base-url", "http://localhost:11434"), Map.entry("llm.model", "llama3.1:8b"),
                Map.entry("llm.api-key", "k1"), Map.entry("llm.context-window", "32_768"), Map.entry("llm.max-tokens", "1024"),
                Map.entry("llm.temperature", "0.3"), Map.entry("llm.price.prompt-per-1k", "0.001"),
                Map.entry("llm.price.completion-per-1k", "0.002"), Map.entry("llm.timeout-seconds", "45"),
                Map.entry("llm.connect-timeout-seconds", "2.5"), Map.entry("llm.max-retries", "1"),
                Map.entry("llm.system-prompt", "Answer in French."), Map.entry("llm.deadline-seconds", "90"),
                Map.entry("llm.max-response-bytes", "16_777_216"), Map.entry("store.kind", "lucene"));
        // A key added to CONFIG_KEYS must be read here too, or the app would list a setting that does nothing.
        assertThat(config.keySet()).containsAll(LlmSettings.CONFIG_KEYS.keySet());

        LlmSettings s = LlmSettings.fromEnvironment(Map.of(), config).orElseThrow();

        assertThat(s.baseUrl()).hasToString("http://localhost:11434/v1");
        assertThat(s.model()).isEqualTo("llama3.1:8b");
        assertThat(s.apiKey()).isEqualTo("k1");
        assertThat(s.contextWindowTokens()).isEqualTo(32768);
        assertThat(s.maxTokens()).isEqualTo(1024);
        assertThat(s.temperature()).isEqualTo(0.3);
        assertThat(s.promptPricePer1k()).isEqualTo(0.001);
        assertThat(s.completionPricePer1k()).isEqualTo(0.002);
        assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(s.maxRetries()).isEqualTo(1);
        assertThat(s.systemPrompt()).isEqualTo("Answer in French.");
        assertThat(s.deadline()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.maxResponseBytes()).isEqualTo(16L << 20);
    }

    @Test
    void everyKeyIsDescribedWithItsKindOfValue() {
        LlmSettings.CONFIG_KEYS.forEach((key, description) ->
                assertThat(description).as(key).containsAnyOf("(text", "URL", "(whole number", "(number", "(seconds"));
    }

    @Test
    void deadlineAndResponseCapAreBoundedAndNamed() {
        assertThatThrownBy(() -> LlmSettings.builder("http://h", "m").deadline(Duration.ZERO).build())
                .hasMessage("the deadline per answer (llm.deadline-seconds) must be positive, got PT0S");
        assertThatThrownBy(() -> LlmSettings.builder("http://h", "m").maxResponseBytes(100).build())
                .hasMessage("llm.max-response-bytes must be between 1024 and 1073741824, got 100");
        Map<String, String> config = Map.of("llm.base-url", "http://h", "llm.model", "m", "llm.deadline-seconds", "-1");
        assertThatThrownBy(() -> LlmSettings.fromEnvironment(Map.of(), config))
                .hasMessage("llm.deadline-seconds must be between 0 and 86400 seconds, got -1.0");
    }

    @Test
    void environmentOverridesTheConfigFile() {
        Map<String, String> env = Map.of("KNOWHOW_LLM_BASE_URL", "https://api.openai.com/v1", "KNOWHOW_LLM_MODEL", "gpt-4o-mini",
                "KNOWHOW_LLM_API_KEY", "sk-env", "KNOWHOW_LLM_PRICE_PROMPT_PER_1K", "0.00015");
        Map<String, String> config = Map.of("llm.base-url", "http://localhost:8080", "llm.model", "local", "llm.api-key", "sk-file",
                "llm.price.prompt-per-1k", "9");

        LlmSettings s = LlmSettings.fromEnvironment(env, config).orElseThrow();

        assertThat(s.chatCompletionsUrl()).hasToString("https://api.openai.com/v1/chat/completions");
        assertThat(s.model()).isEqualTo("gpt-4o-mini");
        assertThat(s.apiKey()).isEqualTo("sk-env");
        assertThat(s.promptPricePer1k()).isEqualTo(0.00015);
        assertThat(LlmSettings.envVar("llm.price.completion-per-1k")).isEqualTo("KNOWHOW_LLM_PRICE_COMPLETION_PER_1K");
    }

    @Test
    void aBaseUrlWithoutAModelIsAnError() {
        assertThatThrownBy(() -> LlmSettings.fromEnvironment(Map.of("KNOWHOW_LLM_BASE_URL", "http://h"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KNOWHOW_LLM_MODEL");
    }

    @Test
    void aBadNumberNamesWhereItCameFrom() {
        Map<String, String> config = Map.of("llm.base-url", "http://h", "llm.model", "m", "llm.max-tokens", "lots");

        assertThatThrownBy(() -> LlmSettings.fromEnvironment(Map.of(), config)).hasMessage("llm.max-tokens must be a whole number, got 'lots'");
        assertThatThrownBy(() -> LlmSettings.fromEnvironment(Map.of("KNOWHOW_LLM_TEMPERATURE", "warm"), Map.of("llm.base-url", "http://h", "llm.model", "m")))
                .hasMessageContaining("KNOWHOW_LLM_TEMPERATURE must be a number");
    }

    @Test
    void aMistypedKeyIsAnErrorNotASilentDefault() {
        Map<String, String> config = Map.of("llm.base-url", "http://h", "llm.model", "m", "llm.temprature", "0.5");

        assertThatThrownBy(() -> LlmSettings.fromEnvironment(Map.of(), config))
                .hasMessageContaining("Unknown configuration key 'llm.temprature'").hasMessageContaining("llm.temperature");
    }

    @Test
    void defaultsSuitAnsweringFromEvidence() {
        LlmSettings s = LlmSettings.fromEnvironment(Map.of(), Map.of("llm.base-url", "http://h", "llm.model", "m")).orElseThrow();

        assertThat(s.contextWindowTokens()).isEqualTo(8192);
        assertThat(s.temperature()).isZero();
        assertThat(s.apiKey()).isNull();
        // A slow or hostile server costs at most two minutes and 8 MiB per answer.
        assertThat(s.deadline()).isEqualTo(Duration.ofSeconds(120));
        assertThat(s.maxResponseBytes()).isEqualTo(8L << 20);
        assertThat(Optional.ofNullable(s.systemPrompt())).isEmpty();
        assertThat(s.promptBuilder(io.knowhow.core.prompt.CharRatioTokenCounter.CONSERVATIVE).options().promptBudget()).isEqualTo(8192 - 512);
    }
}
