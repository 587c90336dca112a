package io.knowhow.cli;

import io.knowhow.app.Knowhow;
import io.knowhow.app.ReindexListener;
import io.knowhow.app.ReindexResult;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code knowhow reindex}: re-embeds every stored chunk with the configured embedding model, after a
 * change of model or ONNX Runtime version.
 */
@Command(name = "reindex", mixinStandardHelpOptions = true,
        description = {"Re-embed all chunks with the configured embedding model.",
                "Use it after changing embedder.model or upgrading knowhow's ONNX Runtime. The chunks come from the",
                "index itself (the source files need not be at hand); the old index stays in use until the new one is complete.",
                "A knowledge base whose store format is older than this knowhow's, with the model unchanged, is rebuilt with",
                "its vectors copied (no re-embedding)."})
final class ReindexCommand extends KbCommand {
    @Option(names = "--force", description = "re-embed every chunk even when the model is unchanged, e.g. after changing embedder.max-tokens")
    boolean force;

    @Override
    int run(Knowhow kb) {
        ReindexResult result;
        try (Bar bar = new Bar(System.console() != null)) {
            result = kb.reindex(bar, force);
        }
        if (!result.changed()) out().println("Already built with " + result.to() + "; nothing to do.");
        else if (result.vectorsCopied())
            out().printf("Rebuilt %d chunks in the current store format; their vectors (%s) were copied, not recomputed%n", result.chunks(), result.to());
        else if (result.from().equals(result.to())) out().printf("Re-embedded %d chunks with %s%n", result.chunks(), result.to());
        else out().printf("Re-embedded %d chunks: %s → %s%n", result.chunks(), result.from(), result.to());
        return 0;
    }

    private static final class Bar implements ReindexListener, AutoCloseable {
        private final boolean enabled;
        private ProgressBar bar;

        Bar(boolean enabled) {
            this.enabled = enabled;
        }

        @Override
        public void started(long totalChunks) {
            if (enabled) bar = new ProgressBarBuilder().setTaskName("Reindexing").setInitialMax(totalChunks)
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" chunks", 1).build();
        }

        @Override
        public void progressed(long chunksDone) {
            if (bar != null) bar.stepTo(chunksDone);
        }

        @Override
        public void close() {
            if (bar != null) bar.close();
        }
    }
}
