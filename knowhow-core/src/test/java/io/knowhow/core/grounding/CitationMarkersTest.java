package io.knowhow.core.grounding;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CitationMarkersTest {
    @Test
    void readsSingleListedAdjacentAndRangedMarkers() {
        assertThat(CitationMarkers.numbers("Paris [1]. Lyon [2, 3]. Nice [4][5]. Metz [6;7]. Brest [8-10].")).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void listsEachNumberOnceInOrderOfFirstUse() {
        assertThat(CitationMarkers.numbers("B [2]. A [1]. B again [2][1].")).containsExactly(2, 1);
    }

    @Test
    void leavesCodeIndexesYearsAndWideRangesAlone() {
        assertThat(CitationMarkers.numbers("Use items[2] and x_[3]; it was [2024]; see [1-500].")).isEmpty();
    }

    @Test
    void markerPositionsCoverTheBrackets() {
        var m = CitationMarkers.find("ab [1, 2] cd").get(0);

        assertThat(m.start()).isEqualTo(3);
        assertThat(m.end()).isEqualTo(9);
        assertThat(m.numbers()).containsExactly(1, 2);
    }

    @Test
    void retainRemovesInvalidNumbersAndEmptyMarkersWithTheirSpace() {
        String text = "Paris is the capital [1][7]. Lyon is big [2, 9]. Nice is sunny [8].";

        assertThat(CitationMarkers.retain(text, n -> n <= 3)).isEqualTo("Paris is the capital [1]. Lyon is big [2]. Nice is sunny.");
    }

    @Test
    void stripRemovesEveryMarker() {
        assertThat(CitationMarkers.strip("A [1]. B [2, 3] c.")).isEqualTo("A. B c.");
    }

    @Test
    void negativeZeroAndOutOfRangeMarkersAreFoundSoTheyCanBeRemoved() {
        String answer = "Paris [1][-1]. Lyon [0]. Nice [999]. Metz [\u22122]. Brest [1, -3].";

        // Before, [-1] did not match at all and stayed in the answer as if it were a citation.
        assertThat(CitationMarkers.numbers(answer)).containsExactly(1, -1, 0, 999, -2, -3);
        assertThat(CitationMarkers.retain(answer, n -> n >= 1 && n <= 3)).isEqualTo("Paris [1]. Lyon. Nice. Metz. Brest [1].");
    }

    @Test
    void negativeIndexesInCodeAreNotMarkers() {
        assertThat(CitationMarkers.numbers("Take xs[-1] or items[-2:]; see [-1-500].")).isEmpty();
    }
}
