package io.knowhow.llm.openai;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a whole body into memory, at most {@code limit} bytes, and hands it to the {@link Exchange}
 * as one {@link Exchange.Whole}. Past the limit it stops reading (cancels the subscription, which
 * closes the connection) and either reports {@link Exchange.TooLarge} or, for error bodies that are
 * only quoted in part anyway, hands on the first {@code limit} bytes.
 *
 * <p>A declared Content-Length above a failing limit is refused before a byte is read.
 */
final class CappedBody implements HttpResponse.BodySubscriber<Void> {
    private final Exchange exchange;
    private final HttpResponse.ResponseInfo info;
    private final long limit;
    private final boolean failOverLimit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private boolean finished; // only touched by the client's delivering thread, one signal at a time

    /**
     * @param failOverLimit true: a longer body is {@link Exchange.TooLarge}; false: it is cut at {@code limit}
     */
    CappedBody(Exchange exchange, HttpResponse.ResponseInfo info, long limit, boolean failOverLimit) {
        this.exchange = exchange;
        this.info = info;
        this.limit = limit;
        this.failOverLimit = failOverLimit;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        exchange.subscribed(s);
        long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
        if (failOverLimit && declared > limit) {
            stop(new Exchange.TooLarge());
            return;
        }
        s.request(Long.MAX_VALUE); // memory is bounded by the limit below, not by demand
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (finished) return;
        for (ByteBuffer buffer : buffers) {
            int n = buffer.remaining();
            long room = limit - bytes.size();
            if (n > room) {
                if (failOverLimit) {
                    stop(new Exchange.TooLarge());
                } else {
                    copy(buffer, (int) room);
                    stop(whole());
                }
                return;
            }
            copy(buffer, n);
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
        exchange.add(whole());
        done.complete(null);
    }

    @Override
    public CompletionStage<Void> getBody() {
        return done;
    }

    private void copy(ByteBuffer buffer, int n) {
        byte[] chunk = new byte[n];
        buffer.get(chunk);
        bytes.write(chunk, 0, n);
    }

    private Exchange.Whole whole() {
        return new Exchange.Whole(info.statusCode(), info.headers(), bytes.toByteArray());
    }

    private void stop(Exchange.Event last) {
        finished = true;
        subscription.cancel();
        exchange.add(last);
        done.complete(null);
    }
}
