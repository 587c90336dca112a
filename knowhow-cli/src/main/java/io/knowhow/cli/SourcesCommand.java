package io.knowhow.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.core.model.SourceRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code knowhow sources}: the manifest of ingested sources. */
@Command(name = "sources", mixinStandardHelpOptions = true, description = "List ingested sources with their chunks, size and content hash.")
final class SourcesCommand extends KbCommand {
    @Option(names = "--json", description = "print as JSON")
    boolean json;

    @Override
    int run(KnowhowRuntime runtime) {
        List<SourceRecord> sources = runtime.existingStore().sources();
        if (json) {
            ObjectNode root = Json.object();
            root.put("kb", runtime.kbDir().toString());
            ArrayNode arr = root.putArray("sources");
            for (SourceRecord s : sources) {
                ObjectNode n = arr.addObject();
                n.put("source", s.source());
                n.put("chunks", s.chunkCount());
                n.put("size_bytes", s.sizeBytes());
                n.put("content_hash", s.contentHash());
                n.put("ingested_at", s.ingestedAt().toString());
                n.putPOJO("tags", s.tags().stream().sorted().toList());
                n.putPOJO("access_groups", s.accessGroups().stream().sorted().toList());
            }
            out().println(Json.write(root));
            return 0;
        }
        if (sources.isEmpty()) out().println("No sources in " + runtime.kbDir() + ".");
        for (SourceRecord s : sources) {
            String tags = s.tags().isEmpty() ? "" : "  tags=" + String.join(",", s.tags().stream().sorted().toList());
            out().printf("%-60s %4d chunks %9d bytes  %s  %s%s%n", s.source(), s.chunkCount(), s.sizeBytes(),
                    s.contentHash().substring(0, 12), s.ingestedAt().toString().substring(0, 19).replace('T', ' '), tags);
        }
        return 0;
    }
}
