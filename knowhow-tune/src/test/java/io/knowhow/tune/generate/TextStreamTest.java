package io.knowhow.tune.generate;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Streaming deltas: held back while they could change, cut at stop sequences. */
class TextStreamTest {
    @Test
    void holdsBackPossibleStopPrefixesAndSplitCharactersThenCutsAtTheStop() {
        List<String> deltas = new ArrayList<>();
        TextStream s = new TextStream(List.of("\n\nQ:"), deltas::add);
        assertThat(s.update("Hello")).isFalse();
        assertThat(s.update("Hello wor\uFFFD")).isFalse();  // half a character: wait
        assertThat(s.update("Hello world\n")).isFalse();     // the newline could start the stop: wait
        assertThat(deltas).containsExactly("Hello", " wor", "ld");
        assertThat(s.update("Hello world\n\nQ: next")).isTrue();
        assertThat(s.finish("Hello world\n\nQ: next")).isEqualTo("Hello world");
        assertThat(String.join("", deltas)).isEqualTo("Hello world");
    }

    @Test
    void withoutStopsEverythingIsEmittedAtTheEnd() {
        List<String> deltas = new ArrayList<>();
        TextStream s = new TextStream(List.of(), deltas::add);
        s.update("a");
        s.update("ab\uFFFD");
        assertThat(s.finish("abc")).isEqualTo("abc");
        assertThat(deltas).containsExactly("a", "b", "c");
    }
}
