package io.knowhow.cli;

import io.knowhow.core.ingest.IngestPlan;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Reader;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Options shared by the reading commands: filters by source and tag, and who reads. */
final class RetrievalOptions {
    @Option(names = "--source", paramLabel = "PATH", description = "only this source (repeatable)")
    List<Path> sources = new ArrayList<>();

    @Option(names = "--tag", paramLabel = "TAG", description = "only chunks with this tag (repeatable: any of them)")
    List<String> tags = new ArrayList<>();

    @Mixin
    ReaderOptions reader = new ReaderOptions();

    Filter filter() {
        Set<String> keys = Set.copyOf(sources.stream().map(IngestPlan::sourceKey).toList());
        return new Filter(keys, Set.copyOf(tags), reader.reader());
    }

    /** Who reads: anonymous (public chunks only) unless groups are named, or everything with --all-groups. */
    static final class ReaderOptions {
        @Option(names = "--as-group", paramLabel = "GROUP",
                description = "read as a member of this access group (repeatable); without it, only public chunks are seen")
        List<String> groups = new ArrayList<>();

        @Option(names = "--all-groups",
                description = "read everything, restricted chunks included (for the knowledge base's owner, who can read its files anyway)")
        boolean all;

        Reader reader() {
            if (all && !groups.isEmpty()) throw new UsageError("--all-groups and --as-group exclude each other");
            return all ? Reader.unrestricted() : Reader.of(groups);
        }
    }
}
