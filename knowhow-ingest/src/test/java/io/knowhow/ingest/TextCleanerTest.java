package io.knowhow.ingest;

import org.junit.jupiter.api.Test;

import static io.knowhow.ingest.TextCleaner.LineBreaks.KEEP;
import static io.knowhow.ingest.TextCleaner.LineBreaks.UNWRAP;
import static io.knowhow.ingest.TextCleaner.LineBreaks.UNWRAP_AND_JOIN_HYPHENATED;
import static org.assertj.core.api.Assertions.assertThat;

class TextCleanerTest {

    /** 60 characters: long enough that the paragraph counts as wrapped. */
    private static final String LONG = "This line is long enough to be a wrapped line in a paragraph";

    @Test
    void normalizesToNfc() {
        String decomposed = "Cafe\u0301 nai\u0308ve";

        assertThat(TextCleaner.clean(decomposed, KEEP)).isEqualTo("Café naïve").hasSize(10);
    }

    @Test
    void dropsControlAndInvisibleCharactersButKeepsTabsAndNewlines() {
        String raw = "a\u0000b\u0007c\u001Bd\u0085e\tf\ng\u00ADh\u200Bi\uFEFFj";

        assertThat(TextCleaner.clean(raw, KEEP)).isEqualTo("abcde\tf\nghij");
    }

    @Test
    void collapsesSpacesKeepsIndentationAndTrimsLineEnds() {
        String raw = "one   two\u00A0\u2009three   \n    indented  code\t \n";

        assertThat(TextCleaner.clean(raw, KEEP)).isEqualTo("one two three\n    indented code");
    }

    @Test
    void atMostOneBlankLineAndNoneAtTheEnds() {
        String raw = "\n\n  \nfirst\r\n\r\n \t\n\nsecond\rthird\f\fend\n\n\n";

        assertThat(TextCleaner.clean(raw, KEEP)).isEqualTo("first\n\nsecond\nthird\n\nend");
    }

    @Test
    void keepModeLeavesSingleLineBreaksAlone() {
        String raw = LONG + "\n" + LONG;

        assertThat(TextCleaner.clean(raw, KEEP)).isEqualTo(LONG + "\n" + LONG);
    }

    @Test
    void unwrapJoinsFilledLinesButKeepsShortOnes() {
        String raw = "Heading\n" + LONG + "\n" + LONG + "\nlast line.\nNext paragraph starts here.";

        assertThat(TextCleaner.clean(raw, UNWRAP)).isEqualTo(
                "Heading\n" + LONG + " " + LONG + " last line.\nNext paragraph starts here.");
    }

    @Test
    void unwrapKeepsBreaksBeforeListItemsIndentedLinesAndTables() {
        String raw = LONG + "\n- bullet\n" + LONG + "\n2) second item\n" + LONG + "\n    code()\n"
                + LONG + "\n\u2022 dot\n" + LONG + "\ncell\tcell";

        assertThat(TextCleaner.clean(raw, UNWRAP)).isEqualTo(raw);
    }

    @Test
    void unwrapLeavesParagraphsOfShortLinesAlone() {
        String address = "Jane Doe\n12 Main Street\nSpringfield";

        assertThat(TextCleaner.clean(address, UNWRAP)).isEqualTo(address);
    }

    @Test
    void hyphenatedWordsAreJoinedOnlyWhenAsked() {
        String raw = "Good search needs clean text, and every hyphenated infor-\nmation is joined.";

        assertThat(TextCleaner.clean(raw, UNWRAP_AND_JOIN_HYPHENATED))
                .isEqualTo("Good search needs clean text, and every hyphenated information is joined.");
        assertThat(TextCleaner.clean(raw, UNWRAP))
                .isEqualTo("Good search needs clean text, and every hyphenated infor- mation is joined.");
    }

    @Test
    void hyphensThatDoNotSplitAWordStay() {
        String raw = LONG + " 1990-\n2000 were the years\n" + LONG + " see the list --\nitems";

        assertThat(TextCleaner.clean(raw, UNWRAP_AND_JOIN_HYPHENATED))
                .isEqualTo(LONG + " 1990- 2000 were the years\n" + LONG + " see the list -- items");
    }

    @Test
    void nothingButWhitespaceCleansToEmpty() {
        assertThat(TextCleaner.clean(" \t\n\u00A0\n\u200B", UNWRAP)).isEmpty();
    }
}
