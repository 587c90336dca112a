package io.knowhow.llm.extractive;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PassageTest {
    @Test
    void chineseSentencesEndAtTheirFullWidthStops() {
        assertThat(Passage.split("年度团建活动在杭州举行。公司每年组织一次！你来吗？好的"))
                .containsExactly("年度团建活动在杭州举行。", "公司每年组织一次！", "你来吗？", "好的");
    }

    @Test
    void linesEndSentencesSoTableRowsAndListItemsAreQuotedAlone() {
        assertThat(Passage.split("Severity: SEV1 | Response time: 1 hour\nSeverity: SEV2 | Response time: 4 hours\n\n- first item\n- second item. Then more."))
                .containsExactly("Severity: SEV1 | Response time: 1 hour", "Severity: SEV2 | Response time: 4 hours", "- first item",
                        "- second item.", "Then more.");
    }
}
