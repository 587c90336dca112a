package io.knowhow.llm.openai;

import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Turns the events of one {@link Exchange} into a {@link ChatProtocol.Reply}: a whole body, or a
 * server-sent event stream whose text deltas go to the caller as they come.
 *
 * <p>Waiting is bounded twice: between two events by {@code llm.timeout-seconds} (a stalled stream
 * fails instead of hanging), and overall by the answer's {@link Deadline} (a server that drips bytes
 * forever fails too). The streamed text is held once, in the reply, and each delta is handed on once;
 * its size is bounded by the byte cap the body subscribers enforce.
 */
final class ResponseReader {
    /** Whether any text of the answer reached the caller, which rules out a retry. */
    static final class Emitted {
        boolean any;
    }

    private final LlmSettings settings;
    private final ChatProtocol protocol;
    private final LlmErrors errors;

    ResponseReader(LlmSettings settings, ChatProtocol protocol, LlmErrors errors) {
        this.settings = settings;
        this.protocol = protocol;
        this.errors = errors;
    }

    /**
     * Waits for a whole (non-streamed) answer.
     *
     * @param attempt this attempt's number, for the deadline's message
     */
    ChatProtocol.Reply whole(Exchange exchange, Deadline deadline, int attempt) throws InterruptedException {
        Exchange.Event event = exchange.next(deadline.remaining());
        if (event == null) throw errors.deadline(attempt, false);
        return switch (event) {
            case Exchange.Whole w -> completion(w);
            case Exchange.TooLarge t -> throw errors.tooLarge(false);
            case Exchange.Failed f -> throw failure(f, exchange, deadline, attempt, false);
            case Exchange.Line l -> throw new IllegalStateException("a line event for a whole body");
            case Exchange.End e -> throw new IllegalStateException("an end event for a whole body");
        };
    }

    /**
     * Reads an event stream, handing each text delta to {@code onToken} on the calling thread. A server
     * that ignored {@code "stream": true} and sent one body is handed on as one delta.
     */
    ChatProtocol.Reply stream(Exchange exchange, Deadline deadline, int attempt, Consumer<String> onToken, Emitted emitted)
            throws InterruptedException {
        StringBuilder text = new StringBuilder();
        String finish = null;
        Integer promptTokens = null;
        Integer completionTokens = null;
        while (true) {
            Duration wait = deadline.cap(settings.readTimeout());
            Exchange.Event event = exchange.next(wait);
            boolean begun = !text.isEmpty();
            if (event == null) {
                throw wait.compareTo(settings.readTimeout()) < 0 ? errors.deadline(attempt, begun) : errors.silence(begun);
            }
            switch (event) {
                case Exchange.Whole w -> {
                    ChatProtocol.Reply reply = completion(w);
                    if (!reply.text().isEmpty()) {
                        emitted.any = true;
                        onToken.accept(reply.text());
                    }
                    return reply;
                }
                case Exchange.TooLarge t -> throw errors.tooLarge(true);
                case Exchange.Failed f -> throw failure(f, exchange, deadline, attempt, begun);
                case Exchange.End e -> {
                    // Some servers end the stream without [DONE] once they sent a finish reason.
                    if (finish != null) return new ChatProtocol.Reply(text.toString(), finish, promptTokens, completionTokens);
                    throw new LlmException(LlmException.Kind.NETWORK, "The stream from " + settings.chatCompletionsUrl()
                            + " ended before the answer was complete (no [DONE]). Try again.", null);
                }
                case Exchange.Line l -> {
                    String line = l.text();
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
            }
        }
    }

    private ChatProtocol.Reply completion(Exchange.Whole w) {
        if (w.status() / 100 != 2) throw errors.status(w.status(), new String(w.body(), StandardCharsets.UTF_8), w.headers());
        return protocol.completion(w.body());
    }

    /** A request timeout cut short by the deadline is the deadline, not {@code llm.timeout-seconds}. */
    private LlmException failure(Exchange.Failed f, Exchange exchange, Deadline deadline, int attempt, boolean begun) {
        Throwable cause = f.cause();
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof HttpTimeoutException && (exchange.deadlineBinds() || deadline.passed())) {
            return errors.deadline(attempt, begun);
        }
        return errors.transport(cause);
    }
}
