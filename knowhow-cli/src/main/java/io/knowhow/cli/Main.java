package io.knowhow.cli;

import io.knowhow.app.json.JsonViews;
import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseBusyException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.prompt.ContextWindowExceededException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Map;

/** The {@code knowhow} command: global options and the list of subcommands. */
@Command(name = "knowhow", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Give an LLM your team's knowledge (RAG) and behaviour (fine-tuning), and measure which way works.",
                "", "Knowledge base: --kb DIR, else $KNOWHOW_HOME, else ./.knowhow"},
        subcommands = {IngestCommand.class, AskCommand.class, SearchCommand.class, DeleteCommand.class,
                SourcesCommand.class, ReindexCommand.class, CheckCommand.class, BackupCommand.class, MigrateCommand.class, TuneCommand.class,
                ClassifyCommand.class, ExtractCommand.class, ConfigCommand.class, AdviseCommand.class, EvalCommand.class, ServeCommand.class,
                KeysCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  knowhow ingest docs/ --tag handbook", "  knowhow ask \"How do I reset my password?\"",
                "  knowhow search \"password reset\" --mode bm25 --json",
                "  knowhow tune pairs.jsonl --base ~/models/SmolLM2-135M-Instruct && knowhow ask \"...\" --strategy tuned-rag",
                "  knowhow eval compare --qa qa.jsonl --out report/", "  knowhow advise --cite yes", "  knowhow demo",
                "", "Exit status: 0 done, 1 failed (the message says why), 2 the command line is wrong, 130 interrupted."})
public final class Main {
    @Option(names = "--kb", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "knowledge base directory (default: $KNOWHOW_HOME or ./.knowhow)")
    Path kb;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "print stack traces on errors")
    boolean verbose;

    @Option(names = "--wait", paramLabel = "SECONDS", scope = CommandLine.ScopeType.INHERIT,
            description = "how long a write waits for another writer of the knowledge base before failing as busy (default: store.wait-seconds, 30)")
    Integer waitSeconds;

    /** The process environment, with --wait as the variable that overrides store.wait-seconds. */
    Map<String, String> environment() {
        if (waitSeconds == null) return System.getenv();
        if (waitSeconds < 0) throw new UsageError("--wait must be 0 or more seconds, got " + waitSeconds);
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("KNOWHOW_STORE_WAIT_SECONDS", String.valueOf(waitSeconds));
        return env;
    }

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
            int status = e instanceof UsageError ? 2 : 1;
            report(cmd, parsed, codeOf(e), messageOf(e));
            if (main.verbose) e.printStackTrace(cmd.getErr());
            return status;
        });
        cl.setParameterExceptionHandler((e, args1) -> {
            CommandLine cmd = e.getCommandLine();
            if (wantsJson(e.getCommandLine().getParseResult())) {
                cmd.getOut().println(JsonViews.pretty(JsonViews.error("usage", e.getMessage())));
                cmd.getOut().flush();
            } else {
                cmd.getErr().println("knowhow: " + e.getMessage());
                CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr());
                cmd.getErr().println("(see `knowhow " + (cmd.getCommandName().equals("knowhow") ? "" : cmd.getCommandName() + " ") + "--help`)");
            }
            return 2;
        });
        return cl.execute(args);
    }

    /** Prints a failure: as {@code {"error": ...}} on stdout for a --json command (scripts parse every outcome), else on stderr. */
    private static void report(CommandLine cmd, CommandLine.ParseResult parsed, String code, String message) {
        if (wantsJson(parsed)) {
            cmd.getOut().println(JsonViews.pretty(JsonViews.error(code, message)));
            cmd.getOut().flush();
        } else {
            cmd.getErr().println("knowhow: " + Terminal.line(message));
        }
    }

    private static boolean wantsJson(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand())
            if (p.hasMatchedOption("--json")) return true;
        return false;
    }

    static String codeOf(Throwable e) {
        if (e instanceof UsageError) return "usage";
        if (e instanceof KnowledgeBaseBusyException) return "busy";
        if (e instanceof IncompatibleKnowledgeBaseException) return "incompatible_knowledge_base";
        if (e instanceof KnowledgeBaseUnavailableException) return "knowledge_base_unavailable";
        if (e instanceof ContextWindowExceededException) return "context_window_exceeded";
        if (e instanceof IllegalArgumentException) return "invalid_input";
        if (e instanceof UncheckedIOException || e instanceof IOException) return "io_error";
        return "failed";
    }

    /** The message a user reads: what went wrong and what to do, never a Java class name. */
    static String messageOf(Throwable e) {
        Throwable io = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (io instanceof AccessDeniedException a) return "permission denied: " + a.getFile() + (e != io ? " (" + e.getMessage().split(":")[0] + ")" : "");
        if (io instanceof NoSuchFileException n && e == io) return "no such file or directory: " + n.getFile();
        if (io instanceof NotDirectoryException n && e == io) return "not a directory: " + n.getFile();
        if (io instanceof FileSystemException f && e == io) return f.getFile() + ": " + (f.getReason() == null ? "file system error" : f.getReason());
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = "unexpected " + e.getClass().getSimpleName() + " (run with --verbose for details)";
        if (e.getCause() != null && e.getCause().getMessage() != null && !m.contains(e.getCause().getMessage())
                && (e instanceof UncheckedIOException)) m += " (" + e.getCause().getMessage() + ")";
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
