package io.knowhow.llm.openai;

import io.knowhow.core.model.Answer;
import io.knowhow.core.model.ChatMessage;
import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;
import io.knowhow.core.port.PromptedGenerator;
import io.knowhow.core.port.StreamingGenerator;
import io.knowhow.core.port.TokenCounter;
import io.knowhow.core.prompt.CharRatioTokenCounter;
import io.knowhow.core.prompt.PromptBuilder;
import io.knowhow.core.prompt.PromptPlan;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Answers with a chat model behind any OpenAI-compatible {@code /v1/chat/completions} endpoint (OpenAI,
 * vLLM, llama.cpp server, Ollama, LM Studio, OpenRouter, ...), whole or streamed.
 *
 * <p>Why the JDK {@link HttpClient} and Jackson rather than a vendor SDK: the protocol surface needed
 * here is two JSON shapes (request, response/stream chunk) and server-sent events, about a page of
 * code; an SDK would add a dependency tree, its own HTTP stack and retry policy, and usually lags the
 * compatible servers that differ from OpenAI in small ways this class tolerates.
 *
 * <p>Behaviour worth knowing:
 * <ul>
 *   <li>The prompt comes from the request's messages when the pipeline assembled them (see
 *       {@link PromptedGenerator}); otherwise from this generator's {@link #promptBuilder()}.</li>
 *   <li>Retries, with exponential backoff from {@link LlmSettings#initialBackoff()}, only for retriable
 *       failures: timeouts, broken connections, 429 (waiting as long as Retry-After says, up to
 *       {@link #MAX_RETRY_AFTER}) and 5xx. Never after a streamed token has reached the callback, since the
 *       caller cannot take text back. No jitter: one CLI user does not make a thundering herd.</li>
 *   <li>One answer, all attempts and waits included, takes at most {@link LlmSettings#deadline()}
 *       ({@code llm.deadline-seconds}); a retry whose wait would pass it is not made.</li>
 *   <li>At most {@link LlmSettings#maxResponseBytes()} ({@code llm.max-response-bytes}) of a response are
 *       read, whole or streamed; reading stops there and the answer fails with a message naming the key.</li>
 *   <li>Redirects are never followed: the prompt and the key go only to the configured URL; a 3xx is
 *       reported with its Location.</li>
 *   <li>Every failure is an {@link LlmException} whose message names the URL and what to change; the API
 *       key is never part of a message or of {@link #toString()}.</li>
 *   <li>When the server sends no token counts, usage is estimated with the prompt's token counter, so
 *       cost is approximate rather than zero.</li>
 *   <li>An answer that is the abstention sentence (in any case, with or without its full stop) is
 *       returned as exactly {@link Answer#ABSTENTION} and marked abstained.</li>
 * </ul>
 *
 * <p>The parts, package-private: {@code ChatClient} (HTTP), {@code SseLines} and {@code CappedBody}
 * (reading bodies under the byte cap), {@code ResponseReader} (events to a reply, timeouts and
 * deadline), {@code ChatProtocol} (JSON shapes), {@code RetryPolicy}, {@code LlmErrors} (every failure's
 * message) and {@code ReplyMapping} (reply to {@link Generation}).
 *
 * <p>Thread-safe; {@link #close()} releases the HTTP client.
 */
public final class OpenAiCompatibleGenerator implements StreamingGenerator, PromptedGenerator {
    /** Longest Retry-After honoured; a server asking for more is reported rather than waited for. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    /** How the generator waits between attempts; tests substitute one that records instead of sleeping. */
    @FunctionalInterface
    interface Pause {
        void sleep(Duration d) throws InterruptedException;
    }

    private final LlmSettings settings;
    private final PromptBuilder prompts;
    private final ChatProtocol protocol;
    private final LlmErrors errors;
    private final ChatClient client;
    private final ResponseReader reader;
    private final RetryPolicy retries;
    private final ReplyMapping replies;
    private final Pause pause;

    /** A generator that estimates tokens with {@link CharRatioTokenCounter#CONSERVATIVE}. */
    public OpenAiCompatibleGenerator(LlmSettings settings) {
        this(settings, CharRatioTokenCounter.CONSERVATIVE);
    }

    /** @param tokens the model's tokenizer when available in process, else a conservative estimator */
    public OpenAiCompatibleGenerator(LlmSettings settings, TokenCounter tokens) {
        this(settings, tokens, d -> Thread.sleep(d.toMillis()));
    }

    OpenAiCompatibleGenerator(LlmSettings settings, TokenCounter tokens, Pause pause) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(tokens, "tokens");
        this.pause = Objects.requireNonNull(pause, "pause");
        this.prompts = settings.promptBuilder(tokens);
        this.errors = new LlmErrors(settings);
        this.protocol = new ChatProtocol(settings, errors);
        this.client = new ChatClient(settings);
        this.reader = new ResponseReader(settings, protocol, errors);
        this.retries = new RetryPolicy(settings, errors);
        this.replies = new ReplyMapping(settings, tokens);
    }

    public LlmSettings settings() {
        return settings;
    }

    @Override
    public PromptBuilder promptBuilder() {
        return prompts;
    }

    @Override
    public String name() {
        return "openai:" + settings.model();
    }

    @Override
    public Generation generate(GenerationRequest request) {
        return run(request, null);
    }

    @Override
    public Generation generate(GenerationRequest request, Consumer<String> onToken) {
        return run(request, Objects.requireNonNull(onToken, "onToken"));
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleGenerator[" + settings.chatCompletionsUrl() + ", model=" + settings.model() + "]";
    }

    private Generation run(GenerationRequest request, Consumer<String> onToken) {
        List<ChatMessage> messages = messages(request);
        String body = protocol.requestBody(messages, onToken != null);
        Deadline deadline = Deadline.after(settings.deadline());
        ResponseReader.Emitted emitted = new ResponseReader.Emitted();
        for (int attempt = 1; ; attempt++) {
            try {
                return replies.generation(once(body, onToken, deadline, attempt, emitted), messages, request.evidence().size());
            } catch (LlmException e) {
                Duration wait = retries.waitBefore(e, attempt, emitted.any, deadline);
                try {
                    pause.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw errors.interrupted("waiting to retry", ie);
                }
            }
        }
    }

    /** One attempt, whole or streamed; the exchange is stopped however it ends. */
    private ChatProtocol.Reply once(String body, Consumer<String> onToken, Deadline deadline, int attempt,
                                    ResponseReader.Emitted emitted) {
        try (Exchange exchange = client.start(body, onToken != null, deadline)) {
            return onToken == null ? reader.whole(exchange, deadline, attempt)
                    : reader.stream(exchange, deadline, attempt, onToken, emitted);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw errors.interrupted(onToken == null ? "waiting for" : "reading the stream from", e);
        }
    }

    private List<ChatMessage> messages(GenerationRequest request) {
        if (!request.messages().isEmpty()) return request.messages();
        PromptPlan plan = request.evidence().isEmpty()
                ? prompts.promptOnly(request.question())
                : prompts.plan(request.question(), request.evidence());
        return plan.messages();
    }
}
