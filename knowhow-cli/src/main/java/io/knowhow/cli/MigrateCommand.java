package io.knowhow.cli;

import io.knowhow.app.Knowhow;
import io.knowhow.app.MigrateResult;
import io.knowhow.app.ReindexListener;
import io.knowhow.app.store.StoreTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;

/**
 * {@code knowhow migrate --to ADDRESS}: copies the knowledge base into another store kind (to SolrCloud, or back
 * to the embedded Lucene index), vectors included, and with {@code --switch} makes it the knowledge base's store.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Copy the knowledge base into another store: sources, chunks and their vectors (no re-embedding",
                "when the current store can hand its vectors back). The copy is built beside whatever is at the target and",
                "swapped in when complete; the current store is left as it is.",
                "ADDRESS: solr://ZK_HOST:2181[,...][/CHROOT]?collection=NAME[&shards=N&replicas=N]",
                "         solr+http://SOLR_HOST:8983/solr?collection=NAME     lucene (this --kb)   lucene:DIR"},
        footer = {"", "Examples:", "  knowhow migrate --to 'solr://localhost:9983?collection=handbook&shards=2' --switch",
                "  knowhow migrate --to lucene --switch"})
final class MigrateCommand extends KbCommand {
    @Option(names = "--to", required = true, paramLabel = "ADDRESS", description = "the store to copy into")
    String to;

    @Option(names = "--switch", description = "then make it this knowledge base's store (sets store.kind and its settings in config.yaml)")
    boolean switchOver;

    @Override
    int run(Knowhow kb) {
        StoreTarget target;
        try {
            target = StoreTarget.parse(to, kb.directory());
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        MigrateResult result = kb.migrate(target, ReindexListener.NONE);
        out().printf("Copied %d sources, %d chunks to %s (%s)%n", result.sources(), result.chunks(), to,
                result.vectorsCopied() ? "vectors copied" : "vectors re-embedded: the old store could not hand them back");
        if (switchOver) {
            for (Map.Entry<String, String> e : target.configuration().entrySet()) kb.setConfig(e.getKey(), e.getValue());
            out().println("This knowledge base now uses the " + result.to() + " store (store.kind " + result.to() + ").");
        } else {
            out().println("To use it: " + String.join(" && ", target.configuration().entrySet().stream()
                    .map(e -> "knowhow config set " + e.getKey() + " '" + e.getValue() + "'").toList()));
        }
        return 0;
    }
}
