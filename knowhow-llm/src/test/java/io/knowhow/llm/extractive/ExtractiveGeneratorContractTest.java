package io.knowhow.llm.extractive;

import io.knowhow.core.port.Generator;
import io.knowhow.core.port.GeneratorContract;

/** The extractive generator keeps the {@link Generator} contract, and abstains when the evidence does not answer. */
class ExtractiveGeneratorContractTest extends GeneratorContract {
    private final ExtractiveGenerator generator = new ExtractiveGenerator();

    @Override
    protected Generator generator() {
        return generator;
    }
}
