package io.knowhow.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Citation;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.rag.AskOptions;
import io.knowhow.core.rag.KnowledgeBase;
import io.knowhow.core.rag.Strategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

/** {@code knowhow ask QUESTION}: a grounded answer with citations, or an abstention. */
@Command(name = "ask", mixinStandardHelpOptions = true,
        description = {"Answer a question from the knowledge base, citing the chunks used as [n].",
                "Without an LLM configured, the extractive generator quotes the best sentences or says",
                "\"" + Answer.ABSTENTION + "\""})
final class AskCommand extends KbCommand {
    @Parameters(paramLabel = "QUESTION", arity = "1..*", description = "the question (quote it, or pass several words)")
    String[] words;

    @Option(names = {"-k", "--k"}, paramLabel = "N", description = "evidence chunks to retrieve (default: ${DEFAULT-VALUE}, or ask.k in config)", defaultValue = "-1")
    int k;

    @Option(names = "--mode", paramLabel = "MODE", description = "retrieval mode: hybrid, bm25 or dense (default hybrid)")
    String mode;

    @Option(names = "--strategy", paramLabel = "S", description = "rag (default), full-context, prompt-only, tuned (fine-tuned model alone) or tuned-rag (fine-tuned model + retrieval; formerly hybrid)")
    String strategy;

    @Option(names = "--json", description = "print the answer as JSON")
    boolean json;

    @Option(names = "--stream", description = "print the answer's tokens as the LLM produces them")
    boolean stream;

    @Mixin
    RetrievalOptions retrieval;

    @Override
    int run(KnowhowRuntime runtime) {
        String question = String.join(" ", words);
        if (Strategy.isDeprecatedAlias(strategy))
            err().println("knowhow: note: --strategy 'hybrid' is deprecated; it is now called 'tuned-rag' (the fine-tuned model with retrieval)");
        KbConfig cfg = runtime.config();
        AskOptions options = new AskOptions(k > 0 ? k : cfg.getInt("ask.k", 5),
                SearchMode.parse(mode != null ? mode : cfg.get("ask.mode", "hybrid")), retrieval.filter(),
                Strategy.parse(strategy != null ? strategy : cfg.get("ask.strategy", "rag")));
        KnowledgeBase kb = switch (options.strategy()) {
            case TUNED -> runtime.tunedKnowledgeBase(false);
            case TUNED_RAG -> runtime.tunedKnowledgeBase(true);
            default -> runtime.knowledgeBase();
        };
        if (stream && !json) {
            Answer answer = kb.ask(question, options, token -> {
                out().print(token);
                out().flush();
            });
            out().println();
            if (!answer.grounding().invalidCitations().isEmpty())
                out().println("(markers " + answer.grounding().invalidCitations() + " pointed at no evidence and were removed)");
            printDetails(answer);
            return 0;
        }
        Answer answer = kb.ask(question, options);
        if (json) out().println(Json.write(toJson(answer)));
        else {
            out().println(answer.text());
            printDetails(answer);
        }
        return 0;
    }

    private void printDetails(Answer answer) {
        if (answer.grounding() != null && !answer.grounding().grounded()) {
            out().println();
            out().println("Warning: not fully supported by the cited evidence:");
            for (String s : answer.grounding().unsupportedSentences()) out().println("  - " + s);
        }
        if (!answer.droppedEvidence().isEmpty())
            out().println("(" + answer.droppedEvidence().size() + " retrieved chunks left out to fit the model's context window)");
        if (!answer.citations().isEmpty()) {
            out().println();
            out().println("Sources:");
            for (Citation c : answer.citations()) {
                String heading = c.headingPath().isEmpty() ? "" : " › " + String.join(" › ", c.headingPath());
                out().printf("  [%d] %s%s (score %.3f)%n", c.n(), c.source(), heading, c.score());
            }
        }
    }

    static ObjectNode toJson(Answer answer) {
        ObjectNode root = Json.object();
        root.put("answer", answer.text());
        root.put("abstained", answer.abstained());
        root.put("strategy", answer.strategy());
        if (answer.grounding() != null) {
            root.put("grounded", answer.grounding().grounded());
            root.put("support_ratio", answer.grounding().supportRatio());
            root.putPOJO("unsupported_sentences", answer.grounding().unsupportedSentences());
            root.putPOJO("invalid_citations", answer.grounding().invalidCitations());
        }
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", answer.usage().promptTokens());
        usage.put("completion_tokens", answer.usage().completionTokens());
        root.put("cost", answer.cost());
        root.putPOJO("dropped_evidence", answer.droppedEvidence());
        ArrayNode cites = root.putArray("citations");
        for (Citation c : answer.citations()) {
            ObjectNode n = cites.addObject();
            n.put("n", c.n());
            n.put("source", c.source());
            n.put("chunk_id", c.chunkId());
            n.putPOJO("heading_path", c.headingPath());
            n.put("text", c.text());
            n.put("score", c.score());
        }
        ObjectNode t = root.putObject("timings_ms");
        for (Map.Entry<String, Double> e : answer.timingsMs().entrySet()) t.put(e.getKey(), e.getValue());
        return root;
    }
}
