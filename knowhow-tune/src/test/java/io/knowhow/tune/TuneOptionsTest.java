package io.knowhow.tune;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Defaults, normalisation and user-facing validation messages of the options. */
class TuneOptionsTest {
    final Path out = Path.of("out");

    @Test
    void defaultsDependOnTheMethod() {
        TuneOptions lora = TuneOptions.builder(out).build();
        assertThat(lora.method()).isEqualTo(TuneOptions.Method.LORA);
        assertThat(lora.learningRate()).isEqualTo(2e-4);
        assertThat(lora.targetModules()).containsExactly("q_proj", "k_proj", "v_proj", "o_proj");
        assertThat(lora.rank()).isEqualTo(8);
        assertThat(TuneOptions.builder(out).method(TuneOptions.Method.FULL).build().learningRate()).isEqualTo(2e-5);
        assertThat(TuneOptions.builder(out).targetModules(List.of("Q", "v_proj", "q_proj", "down")).build().targetModules())
                .containsExactly("q_proj", "v_proj", "down_proj");
        assertThat(TuneOptions.Method.parse(" Full ")).isEqualTo(TuneOptions.Method.FULL);
        assertThat(lora.loraConfig("base").scaling()).isEqualTo(2.0);
    }

    @Test
    void invalidSettingsAreRejectedWithMessagesForUsers() {
        assertThatThrownBy(() -> TuneOptions.builder(out).rank(0).build()).hasMessage("LoRA rank must be between 1 and 1024, got 0");
        assertThatThrownBy(() -> TuneOptions.builder(out).targetModules(List.of("attn")).build())
                .hasMessageContaining("unknown target module 'attn'").hasMessageContaining("q_proj");
        assertThatThrownBy(() -> TuneOptions.builder(out).learningRate(5).build()).hasMessageContaining("learning rate");
        assertThatThrownBy(() -> TuneOptions.builder(out).dropout(1).build()).hasMessageContaining("dropout");
        assertThatThrownBy(() -> TuneOptions.builder(out).valFraction(0.9).build()).hasMessageContaining("validation fraction");
        assertThatThrownBy(() -> TuneOptions.builder(out).valFraction(0).earlyStoppingPatience(2).build())
                .hasMessageContaining("early stopping needs a validation set");
        assertThatThrownBy(() -> TuneOptions.builder(out).method(TuneOptions.Method.FULL).merge(true).build())
                .hasMessageContaining("merge applies to LoRA only");
        assertThatThrownBy(() -> TuneOptions.builder(null).build()).hasMessageContaining("output directory");
        assertThatThrownBy(() -> TuneOptions.Method.parse("qlora")).hasMessageContaining("use lora or full");
    }
}
