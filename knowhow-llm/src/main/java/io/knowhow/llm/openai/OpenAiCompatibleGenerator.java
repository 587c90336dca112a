package io.knowhow.llm.openai;

import io.knowhow.core.grounding.CitationMarkers;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.ChatMessage;
import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;
import io.knowhow.core.model.Usage;
import io.knowhow.core.port.PromptedGenerator;
import io.knowhow.core.port.StreamingGenerator;
import io.knowhow.core.port.TokenCounter;
import io.knowhow.core.prompt.CharRatioTokenCounter;
import io.knowhow.core.prompt.PromptBuilder;
import io.knowhow.core.prompt.PromptPlan;
import io.knowhow.llm.openai.LlmException.Kind;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 *   <li>Every failure is an {@link LlmException} whose message names the URL and what to change; the API
 *       key is never part of a message or of {@link #toString()}.</li>
 *   <li>When the server sends no token counts, usage is estimated with the prompt's token counter, so
 *       cost is approximate rather than zero.</li>
 *   <li>An answer that is the abstention sentence (in any case, with or without its full stop) is
 *       returned as exactly {@link Answer#ABSTENTION} and marked abstained.</li>
 * </ul>
 *
 * <p>Thread-safe; {@link #close()} releases the HTTP client.
 */
public final class OpenAiCompatibleGenerator implements StreamingGenerator, PromptedGenerator {
    /** Longest Retry-After honoured; a server asking for more is reported rather than waited for. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);
    /** Longest wait between retries when the server gives no Retry-After. */
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** How the generator waits between attempts; tests substitute one that records instead of sleeping. */
    @FunctionalInterface
    interface Pause {
        void sleep(Duration d) throws InterruptedException;
    }

    private final LlmSettings settings;
    private final TokenCounter tokens;
    private final PromptBuilder prompts;
    private final ChatProtocol protocol;
    private final HttpClient http;
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
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.pause = Objects.requireNonNull(pause, "pause");
        this.prompts = settings.promptBuilder(tokens);
        this.protocol = new ChatProtocol(settings);
        // HTTP/1.1 on purpose: over plain http the client would otherwise send an h2c upgrade, which some
        // local model servers answer wrongly; one request per answer gains nothing from HTTP/2.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
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
        http.close();
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleGenerator[" + settings.chatCompletionsUrl() + ", model=" + settings.model() + "]";
    }

    /** Tracks whether any text reached the caller, which rules out a retry. */
    private static final class Emitted {
        boolean any;
    }

    private Generation run(GenerationRequest request, Consumer<String> onToken) {
        List<ChatMessage> messages = messages(request);
        String body = protocol.requestBody(messages, onToken != null);
        Emitted emitted = new Emitted();
        int attempts = settings.maxRetries() + 1;
        for (int attempt = 1; ; attempt++) {
            try {
                ChatProtocol.Reply reply = onToken == null ? once(body) : stream(body, onToken, emitted);
                return generation(reply, messages, request.evidence().size());
            } catch (LlmException e) {
                if (!e.retriable() || emitted.any) throw e;
                if (attempt >= attempts) throw gaveUp(e, attempt);
                Duration wait = e.retryAfter().orElse(backoff(attempt));
                if (wait.compareTo(MAX_RETRY_AFTER) > 0) {
                    throw new LlmException(e.kind(), e.getMessage() + " The server asks to wait " + wait.toSeconds()
                            + " s before retrying, longer than the " + MAX_RETRY_AFTER.toSeconds() + " s this client waits.",
                            e, e.httpStatus(), wait);
                }
                try {
                    pause.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new LlmException(Kind.INTERRUPTED, "Interrupted while waiting to retry " + settings.chatCompletionsUrl(), ie);
                }
            }
        }
    }

    private List<ChatMessage> messages(GenerationRequest request) {
        if (!request.messages().isEmpty()) return request.messages();
        PromptPlan plan = request.evidence().isEmpty()
                ? prompts.promptOnly(request.question())
                : prompts.plan(request.question(), request.evidence());
        return plan.messages();
    }

    private Generation generation(ChatProtocol.Reply reply, List<ChatMessage> messages, int evidenceSize) {
        String text = reply.text();
        if (text.isBlank()) {
            String why = "length".equals(reply.finishReason())
                    ? "the answer was cut off at llm.max-tokens (" + settings.maxTokens() + ") before any text: raise llm.max-tokens"
                    : "the model returned no text (finish_reason " + reply.finishReason() + ")";
            throw new LlmException(Kind.MALFORMED_RESPONSE, "The LLM server at " + settings.chatCompletionsUrl() + " sent an empty answer: " + why + ".", null);
        }
        Usage usage = new Usage(
                reply.promptTokens() != null ? reply.promptTokens() : estimatePrompt(messages),
                reply.completionTokens() != null ? reply.completionTokens() : tokens.count(text));
        double cost = settings.cost(usage);
        if (isAbstention(text)) return new Generation(Answer.ABSTENTION, List.of(), true, usage, cost);
        List<Integer> cited = CitationMarkers.numbers(text).stream().filter(n -> n >= 1 && n <= evidenceSize).toList();
        return new Generation(text, cited, false, usage, cost);
    }

    private int estimatePrompt(List<ChatMessage> messages) {
        // Same overhead as the prompt builder's estimate: 4 per message, 3 to prime the reply.
        return messages.stream().mapToInt(m -> tokens.count(m.content()) + 4).sum() + 3;
    }

    private static boolean isAbstention(String text) {
        String t = text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        String a = Answer.ABSTENTION.toLowerCase(Locale.ROOT);
        return t.equals(a) || t.equals(a.substring(0, a.length() - 1));
    }

    private Duration backoff(int attempt) {
        Duration d = settings.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private LlmException gaveUp(LlmException last, int attempts) {
        return new LlmException(last.kind(), last.getMessage() + " (gave up after " + attempts + " attempts)", last,
                last.httpStatus(), last.retryAfter().orElse(null));
    }

    private HttpRequest.Builder request(String body, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(settings.chatCompletionsUrl())
                .timeout(settings.readTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (settings.apiKey() != null) b.header("Authorization", "Bearer " + settings.apiKey());
        return b;
    }

    /** One non-streamed attempt. */
    private ChatProtocol.Reply once(String body) {
        HttpResponse<String> response;
        try {
            response = http.send(request(body, "application/json").build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException(Kind.INTERRUPTED, "Interrupted while waiting for " + settings.chatCompletionsUrl(), e);
        } catch (IOException e) {
            throw transport(e);
        }
        if (response.statusCode() / 100 != 2) throw protocol.error(response.statusCode(), response.body(), response.headers());
        return protocol.completion(response.body());
    }

    // Events the HTTP client's threads hand to the caller's thread during a stream.
    private record Whole(int status, HttpHeaders headers, String body) {}

    private record Failed(Throwable cause) {}

    private static final Object END = new Object();

    /**
     * One streamed attempt. The HTTP client's threads put each line (or the whole body, when the answer
     * is an error or not an event stream) on a queue; the caller's thread takes them with the read timeout
     * as the longest silence, so a stalled stream fails instead of hanging, and the callback runs on the
     * caller's thread.
     */
    private ChatProtocol.Reply stream(String body, Consumer<String> onToken, Emitted emitted) {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        HttpResponse.BodyHandler<Void> handler = info -> {
            boolean eventStream = info.statusCode() / 100 == 2 && info.headers().firstValue("content-type")
                    .map(v -> v.toLowerCase(Locale.ROOT).contains("text/event-stream")).orElse(false);
            if (eventStream) return HttpResponse.BodySubscribers.fromLineSubscriber(new Lines(events, subscription));
            // An error, or a server that ignored "stream": true and sent one JSON body.
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8), text -> {
                events.add(new Whole(info.statusCode(), info.headers(), text));
                return null;
            });
        };
        CompletableFuture<HttpResponse<Void>> future = http.sendAsync(request(body, "text/event-stream").build(), handler);
        future.whenComplete((r, e) -> events.add(e == null ? END : new Failed(e)));

        StringBuilder text = new StringBuilder();
        String finish = null;
        Integer promptTokens = null, completionTokens = null;
        try {
            while (true) {
                Object event = events.poll(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
                if (event == null) {
                    throw new LlmException(Kind.TIMEOUT, "The LLM server at " + settings.chatCompletionsUrl() + " sent nothing for "
                            + seconds(settings.readTimeout()) + (text.isEmpty() ? " before the answer began" : " in the middle of the answer")
                            + ". The model may be overloaded or the prompt long: raise llm.timeout-seconds, or retrieve fewer chunks.", null);
                }
                if (event instanceof Failed f) throw transport(f.cause());
                if (event instanceof Whole w) {
                    if (w.status() / 100 != 2) throw protocol.error(w.status(), w.body(), w.headers());
                    ChatProtocol.Reply reply = protocol.completion(w.body());
                    if (!reply.text().isEmpty()) {
                        emitted.any = true;
                        onToken.accept(reply.text());
                    }
                    return reply;
                }
                if (event == END) {
                    // Some servers end the stream without [DONE] once they sent a finish reason.
                    if (finish != null) return new ChatProtocol.Reply(text.toString(), finish, promptTokens, completionTokens);
                    throw new LlmException(Kind.NETWORK, "The stream from " + settings.chatCompletionsUrl()
                            + " ended before the answer was complete (no [DONE]). Try again.", null);
                }
                String line = (String) event;
                if (line.isEmpty() || line.startsWith(":") || !line.startsWith("data:")) continue; // blank, comment, event:, id:, retry:
                String data = line.substring("data:".length()).strip();
                if (data.equals("[DONE]")) return new ChatProtocol.Reply(text.toString(), finish, promptTokens, completionTokens);
                ChatProtocol.Reply chunk = protocol.chunk(data);
                if (chunk.finishReason() != null) finish = chunk.finishReason();
                if (chunk.promptTokens() != null) promptTokens = chunk.promptTokens();
                if (chunk.completionTokens() != null) completionTokens = chunk.completionTokens();
                if (!chunk.text().isEmpty()) {
                    text.append(chunk.text());
                    emitted.any = true;
                    onToken.accept(chunk.text());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException(Kind.INTERRUPTED, "Interrupted while reading the stream from " + settings.chatCompletionsUrl(), e);
        } finally {
            if (!future.isDone()) {
                // Failed, timed out, the callback threw, or the server holds the response open after [DONE]:
                // stop the exchange rather than leave it running (and close() waiting for it).
                Flow.Subscription s = subscription.get();
                if (s != null) s.cancel();
                future.cancel(true);
            }
        }
    }

    /** Forwards each line of an event stream to the queue. */
    private record Lines(BlockingQueue<Object> events, AtomicReference<Flow.Subscription> subscription) implements Flow.Subscriber<String> {
        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.set(s);
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            events.add(line);
        }

        @Override
        public void onError(Throwable t) {
            events.add(new Failed(t));
        }

        @Override
        public void onComplete() {
            // END comes from the response future, after the last line.
        }
    }

    /** Maps a failure below HTTP (no response, or a broken one) to an exception that says what to do. */
    private LlmException transport(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) e = e.getCause();
        URI url = settings.chatCompletionsUrl();
        if (e instanceof LlmException le) return le;
        if (e instanceof HttpConnectTimeoutException) {
            return new LlmException(Kind.TIMEOUT, "Connecting to the LLM server at " + url + " took longer than "
                    + seconds(settings.connectTimeout()) + ". Check that the host is reachable and llm.base-url is right.", e);
        }
        if (e instanceof HttpTimeoutException) {
            return new LlmException(Kind.TIMEOUT, "The LLM server at " + url + " did not answer within " + seconds(settings.readTimeout())
                    + ". The model may be loading or overloaded, or the prompt long: raise llm.timeout-seconds, or retrieve fewer chunks.", e);
        }
        if (e instanceof ConnectException || e instanceof UnresolvedAddressException || e.getCause() instanceof UnresolvedAddressException) {
            String why = e instanceof UnresolvedAddressException || e.getCause() instanceof UnresolvedAddressException
                    ? "unknown host" : "connection refused";
            return new LlmException(Kind.UNREACHABLE, "Cannot reach the LLM server at " + url + " (" + why
                    + "). Start the server, or set llm.base-url (" + LlmSettings.envVar("llm.base-url") + ") to where it listens.", e);
        }
        if (e instanceof SSLException) {
            return new LlmException(Kind.UNREACHABLE, "TLS with the LLM server at " + url + " failed (" + e.getMessage()
                    + "). Check the URL's scheme (http or https) and the server's certificate.", e);
        }
        String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new LlmException(Kind.NETWORK, "The connection to the LLM server at " + url + " broke (" + what + "). Try again.", e);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
