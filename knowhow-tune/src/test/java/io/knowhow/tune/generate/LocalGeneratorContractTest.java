package io.knowhow.tune.generate;

import io.knowhow.core.port.Generator;
import io.knowhow.core.port.GeneratorContract;
import io.knowhow.tune.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The local decoder keeps the {@link Generator} contract even when its words are noise: an untrained tiny model
 * (random weights, real loading and decoding code) still cites only evidence that exists, and streams exactly its text.
 */
class LocalGeneratorContractTest extends GeneratorContract {
    @TempDir
    static Path dir;
    private static LocalGenerator generator;

    @BeforeAll
    static void open() throws Exception {
        Path base = dir.resolve("base");
        TestModels.write(base, TestModels.Spec.llama().size(64, 128, 2, 4, 2));
        generator = LocalGenerator.open(base, Optional.empty(), GenerationOptions.DEFAULTS.withMaxNewTokens(12));
    }

    @AfterAll
    static void close() {
        if (generator != null) generator.close();
    }

    @Override
    protected Generator generator() {
        return generator;
    }

    @Override
    protected boolean abstainsWhenItShould() {
        return false; // random weights: it says anything
    }
}
