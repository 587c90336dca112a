package io.knowhow.app.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigKeysTest {
    @TempDir
    Path kb;

    @Test
    void docsConfigurationIsGeneratedFromTheRegistry() throws Exception {
        Path docs = Path.of(System.getProperty("maven.multiModuleProjectDirectory", "..")).resolve("docs/configuration.md");
        if (!Files.exists(docs)) docs = Path.of("..", "docs", "configuration.md");
        assertThat(Files.readString(docs))
                .as("docs/configuration.md is out of date: regenerate it with `bin/knowhow config keys --markdown > docs/configuration.md`")
                .isEqualTo(ConfigKeys.markdown());
    }

    @Test
    void everyKeyHasADescriptionAndAValidDefault() {
        assertThat(ConfigKeys.all()).isNotEmpty().allSatisfy(k -> {
            assertThat(k.description()).isNotBlank();
            if (k.defaultValue() != null) assertThat(k.type().check(k.name(), k.defaultValue())).isNotNull();
        });
        assertThat(ConfigKeys.all()).extracting(ConfigKey::name).contains("ask.k", "llm.base-url", "store.kind", "llm.api-key-file");
    }

    @Test
    void valuesAreCheckedByTypeAndRangeBeforeTheyAreWritten() {
        KnowhowConfig config = KnowhowConfig.load(kb, Map.of());
        assertThatThrownBy(() -> config.set("ask.k", "zero", v -> v)).hasMessageContaining("ask.k must be a whole number between 1 and 1000");
        assertThatThrownBy(() -> config.set("ask.k", "0", v -> v)).hasMessageContaining("between 1 and 1000, got 0");
        assertThatThrownBy(() -> config.set("llm.temperature", "7", v -> v)).hasMessageContaining("llm.temperature must be a number between 0 and 2");
        assertThatThrownBy(() -> config.set("ask.mode", "fuzzy", v -> v)).hasMessageContaining("one of hybrid, bm25, dense");
        assertThatThrownBy(() -> config.set("llm.base-url", "ftp://x", v -> v)).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> config.set("tuned.model", kb.resolve("absent").toString(), v -> v)).hasMessageContaining("existing directory");
        assertThatThrownBy(() -> config.set("ask.kk", "3", v -> v)).hasMessageContaining("unknown config key 'ask.kk'").hasMessageContaining("ask.k");
        assertThat(Files.exists(kb.resolve(KnowhowConfig.FILE))).as("nothing written for refused values").isFalse();

        assertThat(config.set("ask.mode", " BM25 ", v -> v)).isEqualTo("bm25");
        assertThat(KnowhowConfig.load(kb, Map.of()).get(ConfigKeys.ASK_MODE)).contains("bm25");
    }

    @Test
    void aValidatorSeeingTheWholeConfigurationCanRefuseAndNothingIsWritten() {
        KnowhowConfig config = KnowhowConfig.load(kb, Map.of());
        config.set("ask.k", "7", v -> v);
        assertThatThrownBy(() -> config.set("ask.k", "9", v -> {
            throw new IllegalArgumentException("refused as a whole");
        })).hasMessage("refused as a whole");
        assertThat(KnowhowConfig.load(kb, Map.of()).get(ConfigKeys.ASK_K)).contains("7");
    }

    @Test
    void theEnvironmentOverridesTheFileAndTheDefault() {
        KnowhowConfig.load(kb, Map.of()).set("ask.k", "7", v -> v);
        KnowhowConfig config = KnowhowConfig.load(kb, Map.of("KNOWHOW_ASK_K", "9"));
        assertThat(config.integer(ConfigKeys.ASK_K)).isEqualTo(9);
        assertThat(config.origin(ConfigKeys.ASK_K)).isEqualTo("KNOWHOW_ASK_K");
        assertThat(config.integer(ConfigKeys.CHUNK_MAX_TOKENS)).isEqualTo(512);
        assertThat(config.origin(ConfigKeys.CHUNK_MAX_TOKENS)).isEqualTo("default");
    }

    @Test
    void unsetSaysWhetherTheKeyWasSet() {
        KnowhowConfig config = KnowhowConfig.load(kb, Map.of());
        assertThat(config.unset("ask.k")).isFalse();
        config.set("ask.k", "3", v -> v);
        assertThat(config.unset("ask.k")).isTrue();
        assertThatThrownBy(() -> config.unset("nope.key")).hasMessageContaining("unknown config key");
    }

    @Test
    void theFileIsReadableByItsOwnerOnlyAndAWiderOneHoldingASecretIsReported() throws Exception {
        KnowhowConfig config = KnowhowConfig.load(kb, Map.of());
        config.set("llm.api-key", "sk-test-123", v -> v);
        Path file = kb.resolve(KnowhowConfig.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(config.permissionWarning()).isEmpty();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(KnowhowConfig.load(kb, Map.of()).permissionWarning()).get().asString()
                .contains("readable by others").contains("chmod 600").doesNotContain("sk-test-123");
    }

    @Test
    void unknownKeysInTheFileAreReportedNotFatal() throws Exception {
        Files.writeString(kb.resolve(KnowhowConfig.FILE), "ask.kk: 3\nask.k: 4\n");
        KnowhowConfig config = KnowhowConfig.load(kb, Map.of());
        assertThat(config.unknownKeys()).containsExactly("ask.kk");
        assertThat(config.unset("ask.kk")).isTrue();
        assertThat(KnowhowConfig.load(kb, Map.of()).unknownKeys()).isEmpty();
    }
}
