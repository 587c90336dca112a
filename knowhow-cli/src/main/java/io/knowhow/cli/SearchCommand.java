package io.knowhow.cli;

import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
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

    @Option(names = {"-k", "--k"}, paramLabel = "N", defaultValue = "5", description = "hits to show, 1 to 1000 (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "hybrid", description = "hybrid (default), bm25 or dense")
    String mode;

    @Option(names = "--json", description = "print hits as JSON")
    boolean json;

    @Mixin
    RetrievalOptions retrieval;

    @Override
    int run(Knowhow kb) {
        if (k < 1 || k > 1000) throw new UsageError("--k must be between 1 and 1000, got " + k);
        SearchMode searchMode = AskCommand.parseMode(mode);
        long t0 = System.nanoTime();
        List<Hit> hits = kb.search(String.join(" ", words), k, searchMode, retrieval.filter());
        double ms = (System.nanoTime() - t0) / 1e6;
        if (json) {
            out().println(JsonViews.pretty(JsonViews.hits(hits, searchMode.name(), ms)));
            return 0;
        }
        if (hits.isEmpty()) out().println("No matching chunks.");
        int i = 1;
        for (Hit h : hits) {
            String heading = h.chunk().headingPath().isEmpty() ? "" : " › " + h.chunk().headingLabel();
            out().printf("%d. %s  (score %.4f)%n", i++, Terminal.line(h.chunk().source() + heading), h.score());
            out().println("   " + Terminal.line(abbreviate(h.chunk().text().replaceAll("\\s+", " "), 300)));
        }
        return 0;
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
