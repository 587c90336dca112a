package io.knowhow.llm.openai;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A chat-completions server on loopback that answers each request with the next scripted reply and
 * records what it received. Started by the test, on a free port.
 */
final class ScriptedChatServer implements AutoCloseable {
    /** A request as the server saw it. */
    record Received(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** One scripted answer. */
    interface Reply {
        void send(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());

    ScriptedChatServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
                Reply reply = script.poll();
                if (reply == null) reply = json(500, "{\"error\":{\"message\":\"no scripted reply left\"}}");
                reply.send(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException clientWentAway) {
                // The client timed out or cancelled; nothing to answer.
            }
        });
        server.start();
    }

    /** The base URL without {@code /v1}, as a user might configure it. */
    String root() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    ScriptedChatServer then(Reply reply) {
        script.add(reply);
        return this;
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    static Reply json(int status, String body, String... headerPairs) {
        return exchange -> {
            for (int i = 0; i < headerPairs.length; i += 2) exchange.getResponseHeaders().add(headerPairs[i], headerPairs[i + 1]);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    /** A successful completion with the given text and token counts. */
    static Reply completion(String text, int promptTokens, int completionTokens) {
        return json(200, "{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + quote(text) + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":" + promptTokens
                + ",\"completion_tokens\":" + completionTokens + ",\"total_tokens\":" + (promptTokens + completionTokens) + "}}");
    }

    /** An event stream: one chunk per delta, a usage chunk, then [DONE]. */
    static Reply stream(List<String> deltas, int promptTokens, int completionTokens) {
        List<String> events = new ArrayList<>();
        for (String d : deltas) {
            events.add("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":" + quote(d) + "},\"finish_reason\":null}]}");
        }
        events.add("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
        events.add("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens
                + ",\"completion_tokens\":" + completionTokens + "}}");
        return events(events, true, 0);
    }

    /**
     * Writes each payload as a {@code data:} event, flushed, with a comment line first as some servers
     * send; {@code stallMillis} after the first event stands for a server that stops mid-answer.
     */
    static Reply events(List<String> payloads, boolean done, long stallMillis) {
        return exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < payloads.size(); i++) {
                out.write(("data: " + payloads.get(i) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (i == 0 && stallMillis > 0) Thread.sleep(stallMillis);
            }
            if (done) out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        };
    }

    /** A redirect to {@code location}, as a misconfigured proxy or a hostile server might send. */
    static Reply redirect(int status, String location) {
        return exchange -> {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(status, -1);
        };
    }

    /**
     * Sends {@code head}, then {@code piece} over and over until {@code total} bytes are out or the client
     * hangs up, then {@code tail}; completes {@code wroteAll} with whether every byte went out.
     *
     * @param contentType      e.g. {@code application/json} or {@code text/event-stream}
     * @param declareLength    send Content-Length up front instead of a chunked body
     * @param pauseMillis      pause after each piece: a slow drip
     */
    static Reply endless(String contentType, boolean declareLength, String head, String piece, String tail, long total,
                         long pauseMillis, java.util.concurrent.CompletableFuture<Boolean> wroteAll) {
        return exchange -> {
            byte[] h = head.getBytes(StandardCharsets.UTF_8);
            byte[] p = piece.getBytes(StandardCharsets.UTF_8);
            byte[] t = tail.getBytes(StandardCharsets.UTF_8);
            long pieces = Math.max(0, (total - h.length - t.length) / p.length);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            try {
                exchange.sendResponseHeaders(200, declareLength ? h.length + pieces * p.length + t.length : 0);
                OutputStream out = exchange.getResponseBody();
                out.write(h);
                for (long i = 0; i < pieces; i++) {
                    out.write(p);
                    if (pauseMillis > 0) {
                        out.flush();
                        Thread.sleep(pauseMillis);
                    }
                }
                out.write(t);
                out.flush();
                wroteAll.complete(true);
            } catch (IOException clientHungUp) {
                wroteAll.complete(false);
                throw clientHungUp;
            }
        };
    }

    /** Waits before answering at all (no headers), as an overloaded server does. */
    static Reply slow(long millis, Reply then) {
        return exchange -> {
            Thread.sleep(millis);
            then.send(exchange);
        };
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
