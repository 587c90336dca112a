package io.knowhow.cli;

import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.core.model.SourceChange;
import io.knowhow.core.model.SourceRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code knowhow sources}: the manifest of ingested sources the reader may see. */
@Command(name = "sources", mixinStandardHelpOptions = true,
        description = {"List ingested sources with their chunks, size and content hash.",
                "Restricted sources are listed only for readers of their groups (--as-group), or with --all-groups."})
final class SourcesCommand extends KbCommand {
    @Option(names = "--json", description = "print as JSON")
    boolean json;

    @Option(names = "--history", description = "list the additions, updates and removals instead, oldest first")
    boolean history;

    @Mixin
    RetrievalOptions.ReaderOptions reader;

    private int history(Knowhow kb) {
        List<SourceChange> changes = kb.changes(reader.reader());
        if (json) {
            ObjectNode root = JsonViews.object();
            root.put("kb", kb.directory().toString());
            root.set("changes", JsonViews.changes(changes));
            out().println(JsonViews.pretty(root));
            return 0;
        }
        if (changes.isEmpty()) out().println("No changes recorded in " + kb.directory() + " that this reader may see.");
        for (SourceChange c : changes)
            out().printf("%s  %-7s  %s%n", c.at().toString().substring(0, 19).replace('T', ' '), c.kind().name().toLowerCase(java.util.Locale.ROOT),
                    Terminal.line(c.source()));
        return 0;
    }

    @Override
    int run(Knowhow kb) {
        if (history) return history(kb);
        List<SourceRecord> sources = kb.sources(reader.reader());
        if (json) {
            out().println(JsonViews.pretty(JsonViews.sources(kb.directory(), sources)));
            return 0;
        }
        if (sources.isEmpty()) out().println("No sources in " + kb.directory() + " that this reader may see.");
        for (SourceRecord s : sources) {
            String tags = s.tags().isEmpty() ? "" : "  tags=" + String.join(",", s.tags().stream().sorted().toList());
            String groups = s.accessGroups().isEmpty() ? "" : "  groups=" + String.join(",", s.accessGroups().stream().sorted().toList());
            String when = s.ingestedAt() == null ? "" : s.ingestedAt().toString().substring(0, 19).replace('T', ' ');
            out().printf("%-60s %4d chunks %9d bytes  %s  %s%s%n", Terminal.line(s.source()), s.chunkCount(), s.sizeBytes(),
                    s.contentHash().substring(0, 12), when, Terminal.line(tags + groups));
        }
        return 0;
    }
}
