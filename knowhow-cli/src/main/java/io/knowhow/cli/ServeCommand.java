package io.knowhow.cli;

import io.knowhow.app.Knowhow;
import io.knowhow.server.KnowhowServer;
import io.knowhow.server.ServerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.CountDownLatch;

/** {@code knowhow serve}: the HTTP server (REST, OpenAI-compatible API, web UI) on this knowledge base. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the knowledge base over HTTP: the REST API (/api), an OpenAI-compatible API (/v1), a web UI (/),",
                "/openapi.json, /health, /ready and /metrics. Callers authenticate with API keys (`knowhow keys create`).",
                "Binds to 127.0.0.1 unless told otherwise; without any key it lets anonymous callers read public documents,",
                "and refuses to listen on another address. Ctrl-C or SIGTERM finish requests in flight, then stop.",
                "Settings: server.* in `knowhow config keys` (KNOWHOW_SERVER_* in the environment)."})
final class ServeCommand extends KbCommand {
    @Option(names = "--port", paramLabel = "N", description = "port to listen on (default: server.port, else 8080; 0 picks a free one)")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDR", description = "address to listen on (default: server.host, else 127.0.0.1)")
    String host;

    @Override
    int run(Knowhow kb) throws Exception {
        ServerSettings settings = ServerSettings.fromConfig(kb.config());
        if (host != null) settings = settings.withHost(host);
        if (port != null) {
            if (port < 0 || port > 65_535) throw new UsageError("--port must be between 0 and 65535, got " + port);
            settings = settings.withPort(port);
        }
        kb.config().permissionWarning().ifPresent(w -> err().println("knowhow: warning: " + w));
        KnowhowServer server = KnowhowServer.start(kb, settings, System.err);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and Ctrl-C: the hook stops the server gracefully and holds the JVM until it has, so the running
        // ingest commits or stops between batches and the knowledge base is closed before exit.
        Thread hook = new Thread(() -> {
            server.close();
            kb.close();
            stopped.countDown();
        }, "knowhow-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out().println("knowhow: serving " + kb.directory() + " at " + server.uri() + " (web UI; API at " + server.uri() + "api, OpenAI-compatible at "
                + server.uri() + "v1; Ctrl-C stops)");
        out().flush();
        server.warmUp();
        stopped.await();
        // Only the hook ends the wait, so the JVM is exiting and has closed the knowledge base: returning would close it
        // again and call System.exit, which blocks while hooks run. Park until the JVM halts.
        Thread.sleep(Long.MAX_VALUE);
        return 0;
    }
}
