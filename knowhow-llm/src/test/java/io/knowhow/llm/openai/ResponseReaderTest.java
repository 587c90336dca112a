package io.knowhow.llm.openai;

import io.knowhow.llm.openai.LlmException.Kind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The stream reader fed by hand: the first event is on the queue before reading starts, so the timeout
 * can only fire on the silence after it, however loaded the machine.
 */
class ResponseReaderTest {
    private final LlmSettings settings = LlmSettings.builder("http://127.0.0.1:9", "m").readTimeout(Duration.ofMillis(300)).build();
    private final LlmErrors errors = new LlmErrors(settings);
    private final ResponseReader reader = new ResponseReader(settings, new ChatProtocol(settings, errors), errors);

    @Test
    void aStreamThatStallsAfterTheFirstDeltaTimesOutInTheMiddleOfTheAnswer() {
        Exchange exchange = new Exchange(false);
        exchange.add(new Exchange.Line(": keep-alive"));
        exchange.add(new Exchange.Line("data: {\"choices\":[{\"delta\":{\"content\":\"Partial\"}}]}"));
        List<String> seen = new ArrayList<>();
        ResponseReader.Emitted emitted = new ResponseReader.Emitted();

        LlmException e = catchThrowableOfType(LlmException.class,
                () -> reader.stream(exchange, Deadline.after(Duration.ofMinutes(5)), 1, seen::add, emitted));

        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(e.getMessage()).contains("sent nothing for 300 ms in the middle of the answer").contains("llm.timeout-seconds");
        assertThat(seen).containsExactly("Partial");
        assertThat(emitted.any).isTrue();
    }

    @Test
    void linesEndedByCarriageReturnsAreSplitLikeLineFeeds() {
        Exchange exchange = new Exchange(false);
        SseLines lines = new SseLines(exchange, 1 << 20);
        lines.onSubscribe(new java.util.concurrent.Flow.Subscription() {
            public void request(long n) {}
            public void cancel() {}
        });
        byte[] bytes = ("data: {\"choices\":[{\"delta\":{\"content\":\"Grüße\"}}]}\r\n\r\n"
                + "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\r\rdata: [DONE]").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // Cut inside the two-byte 'ü' and between \r and \n: lines are decoded whole, whatever the buffers.
        int cut = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("Gr") + 3;
        lines.onNext(List.of(java.nio.ByteBuffer.wrap(bytes, 0, cut)));
        lines.onNext(List.of(java.nio.ByteBuffer.wrap(bytes, cut, bytes.length - cut)));
        lines.onComplete();
        List<String> seen = new ArrayList<>();

        ChatProtocol.Reply reply = catchNothing(() -> reader.stream(exchange, Deadline.after(Duration.ofMinutes(5)), 1, seen::add,
                new ResponseReader.Emitted()));

        assertThat(seen).containsExactly("Grüße");
        assertThat(reply.finishReason()).isEqualTo("stop");
    }

    private interface Read {
        ChatProtocol.Reply run() throws InterruptedException;
    }

    private static ChatProtocol.Reply catchNothing(Read read) {
        try {
            return read.run();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
