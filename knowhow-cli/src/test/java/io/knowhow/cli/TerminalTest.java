package io.knowhow.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalTest {
    @Test
    void escapeAndOscSequencesAreShownNotSent() {
        String answer = "Fine.\u001b]8;;http://evil.example\u0007click\u001b]8;;\u0007 \u001b[2J\u009b31m done";
        String shown = Terminal.text(answer);
        assertThat(shown).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u009b")
                .contains("\\u001b]8;;http://evil.example\\u0007click").contains("\\u009b31m");
    }

    @Test
    void textKeepsItsLinesAndTabsButALineDoesNot() {
        assertThat(Terminal.text("a\n\tb\r")).isEqualTo("a\n\tb\\r");
        assertThat(Terminal.line("evil\nforged: ok")).isEqualTo("evil\\nforged: ok");
    }

    @Test
    void bidiOverridesThatReorderWhatIsShownAreEscaped() {
        assertThat(Terminal.line("invoice\u202Etxt.exe")).isEqualTo("invoice\\u202etxt.exe");
    }

    @Test
    void ordinaryTextIsReturnedAsIs() {
        String s = "Größe 42 € — 年度团建 [1]";
        assertThat(Terminal.text(s)).isSameAs(s);
    }
}
