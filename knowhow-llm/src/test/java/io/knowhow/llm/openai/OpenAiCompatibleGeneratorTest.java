package io.knowhow.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;
import io.knowhow.core.model.Hit;
import io.knowhow.core.prompt.CharRatioTokenCounter;
import io.knowhow.llm.openai.LlmException.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.knowhow.llm.openai.ScriptedChatServer.completion;
import static io.knowhow.llm.openai.ScriptedChatServer.events;
import static io.knowhow.llm.openai.ScriptedChatServer.json;
import static io.knowhow.llm.openai.ScriptedChatServer.redirect;
import static io.knowhow.llm.openai.ScriptedChatServer.slow;
import static io.knowhow.llm.openai.ScriptedChatServer.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

class OpenAiCompatibleGeneratorTest {
    private static final String KEY = "sk-test-4f9c2a7d1e";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Hit> EVIDENCE = List.of(
            hit("pricing.md", "The Pro plan costs $59 per month, billed yearly."),
            hit("support.md", "Support is available by email on weekdays."));

    private ScriptedChatServer server;
    private final List<Duration> pauses = Collections.synchronizedList(new ArrayList<>());

    private static Hit hit(String source, String text) {
        return new Hit(new Chunk(source + "#0", source, 0, text, List.of(), 0, text.length(), 10, null, null), 1.0);
    }

    @BeforeEach
    void start() throws IOException {
        server = new ScriptedChatServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LlmSettings.Builder settings() {
        return LlmSettings.builder(server.root(), "test-model").apiKey(KEY).initialBackoff(Duration.ofMillis(10))
                .promptPricePer1k(0.5).completionPricePer1k(1.5);
    }

    private OpenAiCompatibleGenerator generator(LlmSettings settings) {
        // Records the waits instead of sleeping, so retry tests check the delay asked for, not the clock.
        return new OpenAiCompatibleGenerator(settings, CharRatioTokenCounter.CONSERVATIVE, pauses::add);
    }

    private static GenerationRequest request() {
        return new GenerationRequest("How much is the Pro plan?", EVIDENCE);
    }

    @Test
    void sendsTheChatRequestAndReadsTheCompletion() throws IOException {
        server.then(completion("The Pro plan costs $59 per month [1].", 321, 12));

        Generation g;
        try (var generator = generator(settings().maxTokens(300).temperature(0.2).build())) {
            g = generator.generate(request());
        }

        assertThat(g.text()).isEqualTo("The Pro plan costs $59 per month [1].");
        assertThat(g.cited()).containsExactly(1);
        assertThat(g.abstained()).isFalse();
        assertThat(g.usage().promptTokens()).isEqualTo(321);
        assertThat(g.usage().completionTokens()).isEqualTo(12);
        assertThat(g.cost()).isCloseTo(0.321 * 0.5 + 0.012 * 1.5, within(1e-12));

        ScriptedChatServer.Received r = server.received().get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/v1/chat/completions");
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("model").asText()).isEqualTo("test-model");
        assertThat(body.path("stream").asBoolean(true)).isFalse();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(300);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.path("messages")).hasSize(2);
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(body.path("messages").get(1).path("role").asText()).isEqualTo("user");
        String user = body.path("messages").get(1).path("content").asText();
        assertThat(user).contains("<evidence n=\"1\" source=\"pricing.md\">\nThe Pro plan costs $59 per month, billed yearly.\n</evidence>")
                .contains("<evidence n=\"2\" source=\"support.md\">").endsWith("Question: How much is the Pro plan?");
    }

    @Test
    void sendsThePipelinesMessagesAsGiven() throws IOException {
        server.then(completion("Hello.", 5, 2));
        var messages = List.of(io.knowhow.core.model.ChatMessage.system("S"), io.knowhow.core.model.ChatMessage.user("U"));

        try (var generator = generator(settings().build())) {
            generator.generate(new GenerationRequest("ignored", EVIDENCE, messages));
        }

        JsonNode sent = JSON.readTree(server.received().get(0).body()).path("messages");
        assertThat(sent.get(0).path("content").asText()).isEqualTo("S");
        assertThat(sent.get(1).path("content").asText()).isEqualTo("U");
    }

    @Test
    void streamsTokensInOrderAndTheTextIsTheirConcatenation() throws IOException {
        List<String> deltas = List.of("The ", "Pro plan ", "costs $59", " per month [1].");
        server.then(stream(deltas, 300, 9));
        List<String> seen = new ArrayList<>();

        Generation g;
        try (var generator = generator(settings().build())) {
            g = generator.generate(request(), seen::add);
        }

        assertThat(seen).containsExactlyElementsOf(deltas);
        assertThat(g.text()).isEqualTo(String.join("", deltas));
        assertThat(g.cited()).containsExactly(1);
        assertThat(g.usage().promptTokens()).isEqualTo(300);
        assertThat(g.usage().completionTokens()).isEqualTo(9);
        JsonNode body = JSON.readTree(server.received().get(0).body());
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(server.received().get(0).header("Accept")).isEqualTo("text/event-stream");
    }

    @Test
    void aStreamWithoutUsageIsEstimated() {
        server.then(events(List.of("{\"choices\":[{\"delta\":{\"content\":\"Hi there.\"},\"finish_reason\":\"stop\"}]}"), true, 0));

        Generation g;
        try (var generator = generator(settings().build())) {
            g = generator.generate(request(), t -> {});
        }

        assertThat(g.usage().completionTokens()).isEqualTo(CharRatioTokenCounter.CONSERVATIVE.count("Hi there."));
        assertThat(g.usage().promptTokens()).isPositive();
    }

    @Test
    void aServerThatIgnoresStreamingStillDeliversTheTextOnce() {
        server.then(completion("Whole answer [2].", 10, 3));
        List<String> seen = new ArrayList<>();

        Generation g;
        try (var generator = generator(settings().build())) {
            g = generator.generate(request(), seen::add);
        }

        assertThat(seen).containsExactly("Whole answer [2].");
        assertThat(g.cited()).containsExactly(2);
    }

    @Test
    void retriesA429AfterTheWaitTheServerAsksFor() {
        server.then(json(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}", "Retry-After", "1"))
                .then(completion("Fine [1].", 10, 2));

        Generation g;
        try (var generator = generator(settings().build())) {
            g = generator.generate(request());
        }

        assertThat(g.text()).isEqualTo("Fine [1].");
        assertThat(server.received()).hasSize(2);
        assertThat(pauses).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void retriesA500WithExponentialBackoff() {
        server.then(json(500, "{\"error\":{\"message\":\"upstream crashed\"}}"))
                .then(json(503, "Service Unavailable"))
                .then(completion("Recovered [1].", 10, 2));

        Generation g;
        try (var generator = generator(settings().build())) {
            g = generator.generate(request());
        }

        assertThat(g.text()).isEqualTo("Recovered [1].");
        assertThat(server.received()).hasSize(3);
        assertThat(pauses).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
    }

    @Test
    void givesUpAfterTheConfiguredRetriesAndSaysSo() {
        for (int i = 0; i < 3; i++) server.then(json(502, "Bad Gateway"));

        LlmException e;
        try (var generator = generator(settings().maxRetries(2).build())) {
            e = catchThrowableOfType(LlmException.class, () -> generator.generate(request()));
        }

        assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(e.retriable()).isTrue();
        assertThat(e.httpStatus()).isEqualTo(502);
        assertThat(e.getMessage()).contains("gave up after 3 attempts").contains("Bad Gateway");
        assertThat(server.received()).hasSize(3);
    }

    @Test
    void aRejectedKeyIsNotRetriedAndNeverQuoted() {
        server.then(json(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + ".\",\"code\":\"invalid_api_key\"}}"));

        LlmException e;
        try (var generator = generator(settings().build())) {
            e = catchThrowableOfType(LlmException.class, () -> generator.generate(request()));
        }

        assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage()).contains("Check the API key").contains("KNOWHOW_LLM_API_KEY").contains(server.root() + "/v1/chat/completions");
        assertThat(e.getMessage()).doesNotContain(KEY).contains("***");
        assertThat(server.received()).hasSize(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void aMissingKeyIsNamedAsTheCause() {
        server.then(json(401, "{\"error\":\"unauthorized\"}"));

        try (var generator = generator(settings().apiKey(null).build())) {
            assertThatThrownBy(() -> generator.generate(request()))
                    .isInstanceOf(LlmException.class).hasMessageContaining("No API key is set");
        }
        assertThat(server.received().get(0).header("Authorization")).isNull();
    }

    @Test
    void anUnknownModelIsReportedWithWhereToFindTheRightName() {
        server.then(json(404, "{\"error\":{\"message\":\"The model `test-model` does not exist or you do not have access to it.\",\"code\":\"model_not_found\"}}"));

        LlmException e;
        try (var generator = generator(settings().build())) {
            e = catchThrowableOfType(LlmException.class, () -> generator.generate(request()));
        }

        assertThat(e.kind()).isEqualTo(Kind.MODEL_NOT_FOUND);
        assertThat(e.getMessage()).contains("does not serve model 'test-model'").contains("llm.model").contains("/v1/models");
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void aWrongPathIsReportedAsTheBaseUrl() {
        server.then(json(404, "<html><body>Not Found</body></html>"));

        try (var generator = generator(settings().build())) {
            assertThatThrownBy(() -> generator.generate(request()))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.ENDPOINT_NOT_FOUND))
                    .hasMessageContaining("llm.base-url");
        }
    }

    @Test
    void aPromptTooLongForTheModelIsNotRetried() {
        server.then(json(400, "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens. However, your messages resulted in 9120 tokens.\","
                + "\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"}}"));

        LlmException e;
        try (var generator = generator(settings().build())) {
            e = catchThrowableOfType(LlmException.class, () -> generator.generate(request()));
        }

        assertThat(e.kind()).isEqualTo(Kind.CONTEXT_TOO_LONG);
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage()).contains("too long for model 'test-model'").contains("llm.context-window").contains("9120 tokens");
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void aBodyThatIsNotJsonIsAMalformedResponse() {
        server.then(json(200, "<html>proxy login</html>"));

        try (var generator = generator(settings().build())) {
            assertThatThrownBy(() -> generator.generate(request()))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED_RESPONSE))
                    .hasMessageContaining("not JSON").hasMessageContaining("proxy login");
        }
    }

    @Test
    void jsonWithoutChoicesIsAMalformedResponse() {
        server.then(json(200, "{\"id\":\"x\",\"object\":\"chat.completion\"}"));

        try (var generator = generator(settings().build())) {
            assertThatThrownBy(() -> generator.generate(request()))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED_RESPONSE))
                    .hasMessageContaining("no 'choices'");
        }
    }

    @Test
    void anEmptyAnswerCutOffByMaxTokensSaysWhatToRaise() {
        server.then(json(200, "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"length\"}]}"));

        try (var generator = generator(settings().build())) {
            assertThatThrownBy(() -> generator.generate(request())).isInstanceOf(LlmException.class).hasMessageContaining("raise llm.max-tokens");
        }
    }

    @Test
    void aSlowServerTimesOut() {
        server.then(slow(5_000, completion("too late", 1, 1)));

        LlmException e;
        try (var generator = generator(settings().readTimeout(Duration.ofMillis(300)).maxRetries(0).build())) {
            e = catchThrowableOfType(LlmException.class, () -> generator.generate(request()));
        }

        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(e.retriable()).isTrue();
        assertThat(e.getMessage()).contains("did not answer within 300 ms").contains("llm.timeout-seconds");
    }

    @Test
    void aStreamThatBreaksAfterTextWasShownIsNotRetried() {
        // The server sends one delta and hangs up without a finish reason or [DONE]: a retriable failure,
        // but the caller already printed "Partial", so trying again would show the answer twice.
        server.then(events(List.of("{\"choices\":[{\"delta\":{\"content\":\"Partial\"}}]}"), false, 0))
                .then(stream(List.of("Partial", " again"), 1, 1));
        List<String> seen = new ArrayList<>();

        LlmException e;
        try (var generator = generator(settings().build())) {
            e = catchThrowableOfType(LlmException.class, () -> generator.generate(request(), seen::add));
        }

        assertThat(e.kind()).isEqualTo(Kind.NETWORK);
        assertThat(e.retriable()).isTrue();
        assertThat(e.getMessage()).contains("ended before the answer was complete");
        assertThat(seen).containsExactly("Partial");
        assertThat(server.received()).hasSize(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void anErrorWhileStreamingIsMappedLikeAnyOther() {
        server.then(json(401, "{\"error\":{\"message\":\"bad key\"}}"));
        Consumer<String> ignore = t -> {};

        try (var generator = generator(settings().build())) {
            assertThatThrownBy(() -> generator.generate(request(), ignore))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION));
        }
    }

    @Test
    void aClosedPortIsUnreachableAndNotRetried() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }

        LlmException e;
        try (var generator = generator(LlmSettings.builder("http://127.0.0.1:" + port, "m").build())) {
            e = catchThrowableOfType(LlmException.class, () -> generator.generate(request()));
        }

        assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage()).contains("Cannot reach the LLM server at http://127.0.0.1:" + port + "/v1/chat/completions")
                .contains("connection refused").contains("KNOWHOW_LLM_BASE_URL");
        assertThat(pauses).isEmpty();
    }

    @Test
    void theAbstentionSentenceIsRecognisedWithoutItsFullStop() {
        server.then(completion("The knowledge base does not answer this", 10, 8));

        Generation g;
        try (var generator = generator(settings().build())) {
            g = generator.generate(request());
        }

        assertThat(g.abstained()).isTrue();
        assertThat(g.text()).isEqualTo(Answer.ABSTENTION);
        assertThat(g.cited()).isEmpty();
        assertThat(g.usage().totalTokens()).isEqualTo(18);
    }

    @Test
    void toStringAndNameShowNoKey() {
        try (var generator = generator(settings().build())) {
            assertThat(generator.toString()).doesNotContain(KEY).contains("test-model");
            assertThat(generator.settings().toString()).doesNotContain(KEY).contains("apiKey=set");
            assertThat(generator.name()).isEqualTo("openai:test-model");
        }
    }

    // ---- a misbehaving server: size, time and redirects are bounded ----

    private static final String CHUNK = "{\"choices\":[{\"delta\":{\"content\":\"" + "x".repeat(1000) + "\"}}]}";

    /** The scripted server could not send its whole body: the client closed the connection. */
    private static void assertClientHungUp(CompletableFuture<Boolean> wroteAll) throws Exception {
        try {
            assertThat(wroteAll.get(60, TimeUnit.SECONDS)).as("the server sent its whole body: the client read it all").isFalse();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the server was still sending 60 s after the client gave up: the client did not hang up", e);
        }
    }

    @Test
    void aHugeBodyIsRefusedAtTheCapWithoutReadingTheRest() throws Exception {
        CompletableFuture<Boolean> wroteAll = new CompletableFuture<>();
        server.then(ScriptedChatServer.endless("application/json", false, "{\"choices\":[{\"message\":{\"content\":\"",
                "y".repeat(8192), "\"}}]}", 60_000_000, 0, wroteAll));

        LlmException e;
        try (var generator = generator(settings().build())) {
            e = catchThrowableOfType(LlmException.class, () -> generator.generate(request()));
        }

        assertThat(e.kind()).isEqualTo(Kind.RESPONSE_TOO_LARGE);
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage()).isEqualTo("The response from the LLM server at " + server.root() + "/v1/chat/completions is larger"
                + " than llm.max-response-bytes (8388608 bytes); reading stopped there. If answers this long are expected, raise"
                + " llm.max-response-bytes; otherwise check that llm.base-url points at the right server.");
        assertThat(e.getMessage()).doesNotContain(KEY);
        // The client hung up at the cap: the server could not write its 60 MB.
        assertClientHungUp(wroteAll);
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void aDeclaredLengthAboveTheCapIsRefusedBeforeReading() throws Exception {
        CompletableFuture<Boolean> wroteAll = new CompletableFuture<>();
        server.then(ScriptedChatServer.endless("application/json", true, "{", " ", "}", 60_000_000, 0, wroteAll));

        try (var generator = generator(settings().maxResponseBytes(4096).build())) {
            assertThatThrownBy(() -> generator.generate(request()))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.RESPONSE_TOO_LARGE))
                    .hasMessageContaining("llm.max-response-bytes (4096 bytes)");
        }
        assertClientHungUp(wroteAll);
    }

    @Test
    void aHugeStreamStopsAtTheCapAndShowsEachPieceOnce() throws Exception {
        CompletableFuture<Boolean> wroteAll = new CompletableFuture<>();
        server.then(ScriptedChatServer.endless("text/event-stream", false, "", "data: " + CHUNK + "\n\n", "data: [DONE]\n\n",
                60_000_000, 0, wroteAll));
        List<String> seen = new ArrayList<>();
        long cap = 1 << 20;

        LlmException e;
        try (var generator = generator(settings().maxResponseBytes(cap).build())) {
            e = catchThrowableOfType(LlmException.class, () -> generator.generate(request(), seen::add));
        }

        assertThat(e.kind()).isEqualTo(Kind.RESPONSE_TOO_LARGE);
        assertThat(e.getMessage()).startsWith("The event stream from the LLM server at " + server.root() + "/v1/chat/completions is larger"
                + " than llm.max-response-bytes (1048576 bytes); reading stopped there.").doesNotContain(KEY);
        // Every delta shown once, in order, and no more text than the cap allowed in.
        assertThat(seen).isNotEmpty().allMatch(d -> d.equals("x".repeat(1000)));
        assertThat(seen.size() * (long) CHUNK.length()).isLessThan(cap);
        assertClientHungUp(wroteAll);
        assertThat(server.received()).hasSize(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void anEndlessLineInAStreamStopsAtTheCap() throws Exception {
        CompletableFuture<Boolean> wroteAll = new CompletableFuture<>();
        server.then(ScriptedChatServer.endless("text/event-stream", false, "data: ", "z".repeat(8192), "\n\n",
                60_000_000, 0, wroteAll));
        List<String> seen = new ArrayList<>();

        try (var generator = generator(settings().maxResponseBytes(1 << 20).build())) {
            assertThatThrownBy(() -> generator.generate(request(), seen::add))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.RESPONSE_TOO_LARGE));
        }
        assertThat(seen).isEmpty();
        assertClientHungUp(wroteAll);
    }

    @Test
    void aValidBodyOf50MegabytesParsesUnderARaisedCap() {
        String answer = "a".repeat(50_000_000) + " [1]";
        server.then(completion(answer, 10, 12_500_000));

        Generation g;
        try (var generator = generator(settings().maxResponseBytes(64L << 20).build())) {
            g = generator.generate(request());
        }

        // Jackson's default allows strings of 20 million characters: this was reported as "not JSON".
        assertThat(g.text()).hasSize(answer.length()).endsWith(" [1]");
        assertThat(g.cited()).containsExactly(1);
    }

    @Test
    void aStreamThatDripsPastTheDeadlineFails() throws Exception {
        CompletableFuture<Boolean> wroteAll = new CompletableFuture<>();
        // One small event every 50 ms for a minute: never silent for long, never done.
        server.then(ScriptedChatServer.endless("text/event-stream", false, "",
                "data: {\"choices\":[{\"delta\":{\"content\":\".\"}}]}\n\n", "data: [DONE]\n\n", 1200 * 47, 50, wroteAll));
        List<String> seen = new ArrayList<>();

        LlmException e;
        try (var generator = generator(settings().readTimeout(Duration.ofSeconds(30)).deadline(Duration.ofSeconds(1)).build())) {
            e = catchThrowableOfType(LlmException.class, () -> generator.generate(request(), seen::add));
        }

        assertThat(e.kind()).isEqualTo(Kind.DEADLINE_EXCEEDED);
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage()).isEqualTo("No complete answer from the LLM server at " + server.root() + "/v1/chat/completions"
                + " within 1 s, the deadline per answer (llm.deadline-seconds), after 1 attempt; the answer had begun. The model may"
                + " be overloaded or the prompt long: raise llm.deadline-seconds, or retrieve fewer chunks.");
        assertThat(seen).isNotEmpty().allMatch("."::equals);
        assertClientHungUp(wroteAll);
    }

    @Test
    void aWholeBodyThatDripsPastTheDeadlineFails() throws Exception {
        CompletableFuture<Boolean> wroteAll = new CompletableFuture<>();
        // Headers at once, then one byte every 50 ms: the read timeout only covers the headers.
        server.then(ScriptedChatServer.endless("application/json", false, "{\"choices\":[{\"message\":{\"content\":\"",
                "a", "\"}}]}", 1200, 50, wroteAll));

        try (var generator = generator(settings().readTimeout(Duration.ofSeconds(30)).deadline(Duration.ofSeconds(1)).build())) {
            assertThatThrownBy(() -> generator.generate(request()))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.DEADLINE_EXCEEDED))
                    .hasMessageContaining("within 1 s, the deadline per answer (llm.deadline-seconds), after 1 attempt.")
                    .hasMessageNotContaining(KEY);
        }
        assertClientHungUp(wroteAll);
    }

    @Test
    void aRetryThatWouldEndAfterTheDeadlineIsNotMade() {
        server.then(json(503, "busy", "Retry-After", "50")).then(completion("Too late [1].", 1, 1));

        LlmException e;
        try (var generator = generator(settings().deadline(Duration.ofSeconds(30)).build())) {
            e = catchThrowableOfType(LlmException.class, () -> generator.generate(request()));
        }

        assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(e.getMessage()).endsWith("(gave up after 1 attempt: waiting 50 s to retry would pass the deadline of 30 s"
                + " per answer, llm.deadline-seconds)");
        assertThat(pauses).isEmpty();
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void aRedirectToAnotherPortIsNotFollowedAndNamesTheLocation() throws IOException {
        try (ScriptedChatServer elsewhere = new ScriptedChatServer()) {
            elsewhere.then(completion("Stolen [1].", 1, 1));
            String location = elsewhere.root() + "/v1/chat/completions";
            server.then(redirect(307, location));

            LlmException e;
            try (var generator = generator(settings().build())) {
                e = catchThrowableOfType(LlmException.class, () -> generator.generate(request()));
            }

            assertThat(e.kind()).isEqualTo(Kind.REDIRECTED);
            assertThat(e.retriable()).isFalse();
            assertThat(e.httpStatus()).isEqualTo(307);
            assertThat(e.getMessage()).isEqualTo("The LLM server at " + server.root() + "/v1/chat/completions redirects (HTTP 307) to "
                    + location + ". Redirects are not followed, so the prompt and the API key never go to an address that was not"
                    + " configured: if that address is the right server, set llm.base-url to it.");
            assertThat(elsewhere.received()).isEmpty();
            assertThat(server.received()).hasSize(1);
        }
    }

    @Test
    void aRedirectWhileStreamingIsNotFollowedEither() throws IOException {
        try (ScriptedChatServer elsewhere = new ScriptedChatServer()) {
            server.then(redirect(302, elsewhere.root() + "/v1/chat/completions"));

            try (var generator = generator(settings().build())) {
                assertThatThrownBy(() -> generator.generate(request(), t -> {}))
                        .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REDIRECTED));
            }
            assertThat(elsewhere.received()).isEmpty();
        }
    }

    @Test
    void theKeyNeverAppearsEvenWhenTheServerEchoesItInALocation() {
        server.then(redirect(301, "http://evil.example/steal?key=" + KEY));

        try (var generator = generator(settings().build())) {
            assertThatThrownBy(() -> generator.generate(request()))
                    .isInstanceOf(LlmException.class)
                    .hasMessageContaining("http://evil.example/steal?key=***")
                    .hasMessageNotContaining(KEY);
        }
    }
}
