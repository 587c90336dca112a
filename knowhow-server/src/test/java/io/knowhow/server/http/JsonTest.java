package io.knowhow.server.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {
    record Body(String question, Integer k, List<String> tags, Boolean flag) {}

    static Body read(String json) {
        return Json.read(json.getBytes(StandardCharsets.UTF_8), Body.class);
    }

    @Test
    void strictReadingNamesTheField() {
        assertThat(read("{\"question\": \"q\", \"k\": 3, \"tags\": [\"a\"]}")).isEqualTo(new Body("q", 3, List.of("a"), null));
        assertThatThrownBy(() -> read("{\"question\": \"q\", \"kk\": 3}")).hasMessageContaining("unknown field 'kk'").hasMessageContaining("question");
        assertThatThrownBy(() -> read("{\"k\": \"3\"}")).hasMessageContaining("'k'").hasMessageContaining("whole number");
        assertThatThrownBy(() -> read("{\"k\": 3.5}")).hasMessageContaining("'k'");
        assertThatThrownBy(() -> read("{\"flag\": \"yes\"}")).hasMessageContaining("'flag'").hasMessageContaining("true or false");
        assertThatThrownBy(() -> read("{\"tags\": \"a\"}")).hasMessageContaining("'tags'");
        assertThatThrownBy(() -> read("{\"question\": \"q\"} trailing")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> read("{\"question\": \"a\", \"question\": \"b\"}")).hasMessageContaining("question");
        assertThatThrownBy(() -> read("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> read("null")).hasMessageContaining("null");
    }
}
