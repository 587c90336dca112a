package io.knowhow.tuneencoder.classify;

import io.knowhow.core.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClassificationDataTest {
    @TempDir
    Path dir;

    @Test
    void readsJsonlSkippingBlankLines() throws IOException {
        Path f = write("d.jsonl", "{\"text\":\"hello there\",\"label\":\"greet\"}\n\n{\"text\":\"bye\",\"label\":\"leave\"}\n");
        List<LabeledText> data = ClassificationData.read(f);
        assertThat(data).containsExactly(new LabeledText("hello there", "greet", 1), new LabeledText("bye", "leave", 3));
    }

    @Test
    void readsCsvWithQuotedCommasQuotesAndLineBreaks() throws IOException {
        Path f = write("d.csv", "text,category\r\n\"Hi, how \"\"are\"\" you\",greet\n\"two\nlines\",multi\nplain,x\n");
        List<LabeledText> data = ClassificationData.read(f);
        assertThat(data).containsExactly(new LabeledText("Hi, how \"are\" you", "greet", 2), new LabeledText("two\nlines", "multi", 3),
                new LabeledText("plain", "x", 5));
    }

    @Test
    void jsonlErrorsNameTheLine() throws IOException {
        assertThatThrownBy(() -> ClassificationData.read(write("a.jsonl", "{\"text\":\"a\",\"label\":\"b\"}\n{\"text\":\"a\"\n")))
                .isInstanceOf(ClassificationDataException.class).hasMessageContaining("a.jsonl:2").hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ClassificationData.read(write("b.jsonl", "{\"text\":\"a\",\"label\":\"b\"}\n\n{\"text\":\"a\"}\n")))
                .isInstanceOf(ClassificationDataException.class).hasMessageContaining("b.jsonl:3").hasMessageContaining("\"label\"");
        assertThatThrownBy(() -> ClassificationData.read(write("c.jsonl", "{\"text\":\" \",\"label\":\"b\"}\n")))
                .isInstanceOf(ClassificationDataException.class).hasMessageContaining("c.jsonl:1").hasMessageContaining("text is empty");
    }

    @Test
    void csvErrorsNameTheLine() throws IOException {
        assertThatThrownBy(() -> ClassificationData.read(write("a.csv", "text,category\nok,x\nI paid, but,y\n")))
                .isInstanceOf(ClassificationDataException.class).hasMessageContaining("a.csv:3").hasMessageContaining("3 fields");
        assertThatThrownBy(() -> ClassificationData.read(write("b.csv", "sentence,intent\na,b\n")))
                .isInstanceOf(ClassificationDataException.class).hasMessageContaining("b.csv:1").hasMessageContaining("'text' column");
        assertThatThrownBy(() -> ClassificationData.read(write("c.csv", "text,label\na,b\n\"open,c\n")))
                .isInstanceOf(ClassificationDataException.class).hasMessageContaining("c.csv:3").hasMessageContaining("never closed");
        assertThatThrownBy(() -> ClassificationData.read(write("d.txt", "x")))
                .isInstanceOf(ClassificationDataException.class).hasMessageContaining("unknown format");
    }

    @Test
    void readsBanking77() {
        Path data = SharedData.require("banking77");
        List<LabeledText> train = ClassificationData.read(data.resolve("train.csv"));
        List<LabeledText> test = ClassificationData.read(data.resolve("test.csv"));
        assertThat(train).hasSize(10003);
        assertThat(test).hasSize(3080);
        Set<String> labels = train.stream().map(LabeledText::label).collect(Collectors.toSet());
        assertThat(labels).hasSize(77).contains("card_arrival");
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
