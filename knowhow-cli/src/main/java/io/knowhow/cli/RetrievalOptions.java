package io.knowhow.cli;

import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Reader;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Options shared by {@code ask} and {@code search}: filters by source, tag and reader group. */
final class RetrievalOptions {
    @Option(names = "--source", paramLabel = "PATH", description = "only this source (repeatable)")
    List<Path> sources = new ArrayList<>();

    @Option(names = "--tag", paramLabel = "TAG", description = "only chunks with this tag (repeatable: any of them)")
    List<String> tags = new ArrayList<>();

    @Option(names = "--as-group", paramLabel = "GROUP", description = "read as a member of this access group (repeatable); without it, restricted chunks are hidden")
    List<String> groups = new ArrayList<>();

    Filter filter() {
        Set<String> keys = Set.copyOf(sources.stream().map(io.knowhow.core.ingest.IngestPlan::sourceKey).toList());
        // Without --as-group the reader is anonymous: only public chunks.
        return new Filter(keys, Set.copyOf(tags), Reader.of(groups));
    }
}
