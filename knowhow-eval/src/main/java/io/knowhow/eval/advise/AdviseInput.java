package io.knowhow.eval.advise;

import java.util.Optional;

/**
 * The answers the framework has to work with; an absent one is unknown (and says why in {@code ...Unknown}).
 *
 * @param changes        how often the knowledge changes
 * @param cite           whether answers must cite sources
 * @param fixedFormat    whether the task is repetitive with a fixed output format
 * @param baselineWrong  whether the model's baseline behaviour is consistently wrong for the domain
 * @param corpusTokens   tokens of the knowledge corpus
 * @param changesUnknown why the change frequency is unknown, when it is
 * @param formatUnknown  why the format question is unknown, when it is
 * @param baselineUnknown why the baseline question is unknown, when it is
 * @param corpusUnknown  why the corpus size is unknown, when it is
 */
public record AdviseInput(Optional<Finding<ChangeFrequency>> changes, Optional<Finding<Boolean>> cite,
                          Optional<Finding<Boolean>> fixedFormat, Optional<Finding<Boolean>> baselineWrong,
                          Optional<Finding<Long>> corpusTokens, String changesUnknown, String formatUnknown,
                          String baselineUnknown, String corpusUnknown) {
    public static AdviseInput none() {
        return new AdviseInput(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                "not given (--changes)", "not given (--fixed-format, or --pairs FILE to measure it)",
                "not given (--baseline-wrong, or --qa FILE to measure it)", "no knowledge base and no --corpus-tokens");
    }

    public AdviseInput withChanges(Finding<ChangeFrequency> f) {
        return new AdviseInput(Optional.of(f), cite, fixedFormat, baselineWrong, corpusTokens, changesUnknown, formatUnknown, baselineUnknown, corpusUnknown);
    }

    public AdviseInput withChangesUnknown(String why) {
        return new AdviseInput(Optional.empty(), cite, fixedFormat, baselineWrong, corpusTokens, why, formatUnknown, baselineUnknown, corpusUnknown);
    }

    public AdviseInput withCite(Finding<Boolean> f) {
        return new AdviseInput(changes, Optional.of(f), fixedFormat, baselineWrong, corpusTokens, changesUnknown, formatUnknown, baselineUnknown, corpusUnknown);
    }

    public AdviseInput withFixedFormat(Finding<Boolean> f) {
        return new AdviseInput(changes, cite, Optional.of(f), baselineWrong, corpusTokens, changesUnknown, formatUnknown, baselineUnknown, corpusUnknown);
    }

    public AdviseInput withFormatUnknown(String why) {
        return new AdviseInput(changes, cite, Optional.empty(), baselineWrong, corpusTokens, changesUnknown, why, baselineUnknown, corpusUnknown);
    }

    public AdviseInput withBaselineWrong(Finding<Boolean> f) {
        return new AdviseInput(changes, cite, fixedFormat, Optional.of(f), corpusTokens, changesUnknown, formatUnknown, baselineUnknown, corpusUnknown);
    }

    public AdviseInput withBaselineUnknown(String why) {
        return new AdviseInput(changes, cite, fixedFormat, Optional.empty(), corpusTokens, changesUnknown, formatUnknown, why, corpusUnknown);
    }

    public AdviseInput withCorpusTokens(Finding<Long> f) {
        return new AdviseInput(changes, cite, fixedFormat, baselineWrong, Optional.of(f), changesUnknown, formatUnknown, baselineUnknown, corpusUnknown);
    }

    public AdviseInput withCorpusUnknown(String why) {
        return new AdviseInput(changes, cite, fixedFormat, baselineWrong, Optional.empty(), changesUnknown, formatUnknown, baselineUnknown, why);
    }
}
