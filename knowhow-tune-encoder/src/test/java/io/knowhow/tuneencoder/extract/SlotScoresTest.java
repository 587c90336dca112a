package io.knowhow.tuneencoder.extract;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Exact-match span scoring: a wrong value is a false positive and a false negative. */
class SlotScoresTest {
    @Test
    void countsExactMatchesPerSlot() {
        SlotScores s = new SlotScores(List.of("people", "time"));
        s.add(Map.of("people", "4", "time", "7pm"), Map.of("people", "4", "time", "7 pm"));
        s.add(Map.of("people", " 2 "), Map.of("people", "2"));
        s.add(Map.of(), Map.of("time", "noon"));
        assertThat(s.counts("people")).containsExactly(2, 0, 0);
        assertThat(s.counts("time")).containsExactly(0, 1, 2);
        assertThat(s.f1("people")).isEqualTo(1.0);
        assertThat(s.f1("time")).isEqualTo(0.0);
        assertThat(s.microF1()).isCloseTo(4.0 / 7.0, within(1e-12));
    }
}
