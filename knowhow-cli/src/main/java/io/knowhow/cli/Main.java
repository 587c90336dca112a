package io.knowhow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** The {@code knowhow} command: global options and the list of subcommands. */
@Command(name = "knowhow", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Give an LLM your team's knowledge (RAG) and behaviour (fine-tuning), and measure which way works.",
                "", "Knowledge base: --kb DIR, else $KNOWHOW_HOME, else ./.knowhow"},
        subcommands = {IngestCommand.class, AskCommand.class, SearchCommand.class, DeleteCommand.class,
                SourcesCommand.class, ReindexCommand.class, TuneCommand.class, ClassifyCommand.class, ExtractCommand.class, ConfigCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  knowhow ingest docs/ --tag handbook", "  knowhow ask \"How do I reset my password?\"",
                "  knowhow search \"password reset\" --mode bm25 --json",
                "  knowhow tune pairs.jsonl --base ~/models/SmolLM2-135M-Instruct && knowhow ask \"...\" --strategy tuned-rag", "  knowhow demo"})
public final class Main {
    @Option(names = "--kb", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "knowledge base directory (default: $KNOWHOW_HOME or ./.knowhow)")
    Path kb;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "print stack traces on errors")
    boolean verbose;

    Path kbDir(Map<String, String> env) {
        if (kb != null) return kb;
        String home = env.get("KNOWHOW_HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(".knowhow");
    }

    /** Held so the level sticks: JUL keeps loggers weakly. Lucene logs its SIMD setup at INFO on every start. */
    private static final java.util.logging.Logger LUCENE_LOG = java.util.logging.Logger.getLogger("org.apache.lucene");

    public static void main(String[] args) {
        LUCENE_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit status (0 ok, 1 failure, 2 usage error). */
    public static int run(String... args) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("knowhow: " + messageOf(e));
            if (main.verbose) e.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl.execute(args);
    }

    static String messageOf(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        if (e.getCause() != null && e.getCause().getMessage() != null && !m.contains(e.getCause().getMessage())
                && (e instanceof java.io.UncheckedIOException)) m += " (" + e.getCause().getMessage() + ")";
        return m;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"knowhow " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
