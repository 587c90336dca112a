package io.knowhow.cli;

import io.knowhow.app.AskRequest;
import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Citation;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.rag.Strategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code knowhow ask QUESTION}: a grounded answer with citations, or an abstention. */
@Command(name = "ask", mixinStandardHelpOptions = true,
        description = {"Answer a question from the knowledge base, citing the chunks used as [n].",
                "Without an LLM configured, the extractive generator quotes the best sentences or says",
                "\"" + Answer.ABSTENTION + "\""})
final class AskCommand extends KbCommand {
    @Parameters(paramLabel = "QUESTION", arity = "1..*", description = "the question (quote it, or pass several words)")
    String[] words;

    @Option(names = {"-k", "--k"}, paramLabel = "N", description = "evidence chunks to retrieve, 1 to 1000 (default: ask.k in config, else 5)")
    Integer k;

    @Option(names = "--mode", paramLabel = "MODE", description = "retrieval mode: hybrid, bm25 or dense (default: ask.mode in config, else hybrid)")
    String mode;

    @Option(names = "--strategy", paramLabel = "S",
            description = "rag (default), full-context, prompt-only, tuned (fine-tuned model alone) or tuned-rag (fine-tuned model + retrieval; formerly hybrid)")
    String strategy;

    @Option(names = "--json", description = "print the answer as JSON")
    boolean json;

    @Option(names = "--stream", description = "print the answer's tokens as the LLM produces them")
    boolean stream;

    @Mixin
    RetrievalOptions retrieval;

    @Override
    int run(Knowhow kb) {
        String question = String.join(" ", words);
        if (k != null && (k < 1 || k > 1000)) throw new UsageError("--k must be between 1 and 1000, got " + k);
        if (Strategy.isDeprecatedAlias(strategy))
            err().println("knowhow: note: --strategy 'hybrid' is deprecated; it is now called 'tuned-rag' (the fine-tuned model with retrieval)");
        AskRequest request = new AskRequest(k, mode == null ? null : parseMode(mode), strategy == null ? null : parseStrategy(strategy),
                retrieval.filter());
        if (stream && !json) {
            Answer answer = kb.ask(question, request, token -> {
                out().print(Terminal.text(token));
                out().flush();
            });
            out().println();
            if (!answer.grounding().invalidCitations().isEmpty())
                out().println("(markers " + answer.grounding().invalidCitations() + " pointed at no evidence and were removed)");
            printDetails(answer);
            return 0;
        }
        Answer answer = kb.ask(question, request);
        if (json) out().println(JsonViews.pretty(JsonViews.answer(answer)));
        else {
            out().println(Terminal.text(answer.text()));
            printDetails(answer);
        }
        return 0;
    }

    static SearchMode parseMode(String mode) {
        try {
            return SearchMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--mode: " + e.getMessage());
        }
    }

    private static Strategy parseStrategy(String s) {
        try {
            return Strategy.parse(s);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--strategy: " + e.getMessage());
        }
    }

    private void printDetails(Answer answer) {
        if (answer.grounding() != null && !answer.grounding().grounded()) {
            out().println();
            out().println("Warning: not fully supported by the cited evidence:");
            for (String s : answer.grounding().unsupportedSentences()) out().println("  - " + Terminal.line(s));
        }
        for (String note : answer.notes()) out().println("(" + Terminal.line(note) + ")");
        if (!answer.droppedEvidence().isEmpty())
            out().println("(" + answer.droppedEvidence().size() + " retrieved chunks left out to fit the model's context window)");
        if (!answer.citations().isEmpty()) {
            out().println();
            out().println("Sources:");
            for (Citation c : answer.citations()) {
                String heading = c.headingPath().isEmpty() ? "" : " › " + String.join(" › ", c.headingPath());
                out().printf("  [%d] %s%s (score %.3f)%n", c.n(), Terminal.line(c.source() + heading), "", c.score());
            }
        }
    }
}
