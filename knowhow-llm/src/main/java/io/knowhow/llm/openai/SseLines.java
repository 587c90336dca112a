package io.knowhow.llm.openai;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Splits an event stream into lines (LF, CRLF or CR, as the SSE format allows) and hands each to the
 * {@link Exchange}, decoded as UTF-8. Counts every byte received, partial lines included, and stops
 * reading once the count passes {@code limit}: so neither a long stream nor one endless line can make
 * the client hold more than the cap. (The JDK's line subscriber would buffer a line without bound.)
 */
final class SseLines implements HttpResponse.BodySubscriber<Void> {
    private final Exchange exchange;
    private final long limit;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private long received;
    private boolean afterCarriageReturn;
    private boolean finished; // only touched by the client's delivering thread, one signal at a time

    SseLines(Exchange exchange, long limit) {
        this.exchange = exchange;
        this.limit = limit;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        exchange.subscribed(s);
        s.request(Long.MAX_VALUE); // memory is bounded by the limit below, not by demand
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (finished) return;
        for (ByteBuffer buffer : buffers) {
            received += buffer.remaining();
            if (received > limit) {
                finished = true;
                subscription.cancel();
                exchange.add(new Exchange.TooLarge());
                done.complete(null);
                return;
            }
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    if (!afterCarriageReturn) emitLine();
                    afterCarriageReturn = false;
                } else if (b == '\r') {
                    emitLine();
                    afterCarriageReturn = true;
                } else {
                    afterCarriageReturn = false;
                    line.write(b);
                }
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        if (finished) return;
        finished = true;
        exchange.add(new Exchange.Failed(t));
        done.complete(null);
    }

    @Override
    public void onComplete() {
        if (finished) return;
        finished = true;
        if (line.size() > 0) emitLine(); // a last line without its line ending
        exchange.add(new Exchange.End());
        done.complete(null);
    }

    @Override
    public CompletionStage<Void> getBody() {
        return done;
    }

    private void emitLine() {
        exchange.add(new Exchange.Line(line.toString(StandardCharsets.UTF_8)));
        line.reset();
    }
}
