package io.knowhow.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code knowhow search QUERY}: retrieval alone, to inspect what ask would see. */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Show the top chunks for a query (no answer).")
final class SearchCommand extends KbCommand {
    @Parameters(paramLabel = "QUERY", arity = "1..*", description = "the query")
    String[] words;

    @Option(names = {"-k", "--k"}, paramLabel = "N", defaultValue = "5", description = "hits to show (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "hybrid", description = "hybrid (default), bm25 or dense")
    String mode;

    @Option(names = "--json", description = "print hits as JSON")
    boolean json;

    @Mixin
    RetrievalOptions retrieval;

    @Override
    int run(KnowhowRuntime runtime) {
        if (k < 1) throw new IllegalArgumentException("--k must be at least 1, got " + k);
        long t0 = System.nanoTime();
        List<Hit> hits = runtime.knowledgeBase().search(String.join(" ", words), k, SearchMode.parse(mode), retrieval.filter());
        double ms = (System.nanoTime() - t0) / 1e6;
        if (json) {
            ObjectNode root = Json.object();
            ArrayNode arr = root.putArray("hits");
            for (Hit h : hits) {
                ObjectNode n = arr.addObject();
                n.put("source", h.chunk().source());
                n.put("chunk_id", h.chunk().id());
                n.putPOJO("heading_path", h.chunk().headingPath());
                n.put("text", h.chunk().text());
                n.put("score", h.score());
            }
            root.put("mode", mode.toLowerCase());
            root.put("elapsed_ms", Math.round(ms * 100) / 100.0);
            out().println(Json.write(root));
            return 0;
        }
        if (hits.isEmpty()) out().println("No matching chunks.");
        int i = 1;
        for (Hit h : hits) {
            String heading = h.chunk().headingPath().isEmpty() ? "" : " › " + h.chunk().headingLabel();
            out().printf("%d. %s%s  (score %.4f)%n", i++, h.chunk().source(), heading, h.score());
            out().println("   " + abbreviate(h.chunk().text().replaceAll("\\s+", " "), 300));
        }
        return 0;
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
