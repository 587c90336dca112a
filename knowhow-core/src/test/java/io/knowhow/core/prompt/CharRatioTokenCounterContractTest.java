package io.knowhow.core.prompt;

import io.knowhow.core.port.TokenCounter;
import io.knowhow.core.port.TokenCounterContract;

/** The estimate used when no tokenizer is at hand keeps the {@link TokenCounter} contract. */
class CharRatioTokenCounterContractTest extends TokenCounterContract {
    @Override
    protected TokenCounter counter() {
        return CharRatioTokenCounter.CONSERVATIVE;
    }
}
