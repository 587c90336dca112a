package io.knowhow.llm.openai;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The HTTP side of the chat-completions endpoint: sends one POST and hands what comes back to an
 * {@link Exchange}, the body read by {@link SseLines} when it is an event stream and by {@link
 * CappedBody} otherwise, both stopping at {@code llm.max-response-bytes}.
 *
 * <p>Redirects are never followed ({@link HttpClient.Redirect#NEVER}): a 3xx comes back as a response,
 * reported with its Location, so the prompt and the API key reach only the configured address.
 */
final class ChatClient implements AutoCloseable {
    /**
     * Error bodies are quoted 300 characters at most, and searched for a few phrases: 64 KiB is plenty,
     * and reading no more keeps an endless error page harmless.
     */
    static final long ERROR_BODY_BYTES = 64 * 1024;

    private final LlmSettings settings;
    private final HttpClient http;

    ChatClient(LlmSettings settings) {
        this.settings = settings;
        // HTTP/1.1 on purpose: over plain http the client would otherwise send an h2c upgrade, which some
        // local model servers answer wrongly; one request per answer gains nothing from HTTP/2.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Starts one attempt. Waiting for the response headers is bounded by {@code llm.timeout-seconds} or
     * by what is left of {@code deadline}, whichever is shorter.
     *
     * @param stream whether to ask for an event stream
     */
    Exchange start(String body, boolean stream, Deadline deadline) {
        Duration timeout = deadline.cap(settings.readTimeout());
        if (timeout.isZero()) timeout = Duration.ofMillis(1); // HttpRequest refuses zero; the caller checks the deadline
        Exchange exchange = new Exchange(timeout.compareTo(settings.readTimeout()) < 0);
        HttpResponse.BodyHandler<Void> handler = info -> {
            boolean ok = info.statusCode() / 100 == 2;
            boolean eventStream = stream && ok && info.headers().firstValue("content-type")
                    .map(v -> v.toLowerCase(Locale.ROOT).contains("text/event-stream")).orElse(false);
            if (eventStream) return new SseLines(exchange, settings.maxResponseBytes());
            // A whole answer (or a server that ignored "stream": true) must fit the cap; an error body is cut.
            return ok ? new CappedBody(exchange, info, settings.maxResponseBytes(), true)
                    : new CappedBody(exchange, info, Math.min(ERROR_BODY_BYTES, settings.maxResponseBytes()), false);
        };
        exchange.started(http.sendAsync(request(body, stream ? "text/event-stream" : "application/json", timeout), handler));
        return exchange;
    }

    private HttpRequest request(String body, String accept, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(settings.chatCompletionsUrl())
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (settings.apiKey() != null) b.header("Authorization", "Bearer " + settings.apiKey());
        return b.build();
    }

    @Override
    public void close() {
        http.close();
    }
}
