package io.knowhow.server;

import io.knowhow.app.config.ConfigKeys;
import io.knowhow.app.config.KnowhowConfig;

import java.time.Duration;

/**
 * The server's settings, from the knowledge base's {@code server.*} keys (environment overrides included), with the
 * command line's {@code --host} / {@code --port} on top.
 *
 * @param host              address to bind; loopback unless told otherwise
 * @param port              port (0: any free one)
 * @param maxBodyBytes      largest JSON body
 * @param maxUploadBytes    largest upload request
 * @param ratePerMinute     requests a minute per caller; 0 is no limit
 * @param requestTimeout    longest non-streamed ask, search or chat completion
 * @param maxQueuedJobs     most ingest jobs waiting
 * @param shutdownGrace     time in-flight requests and the running job get on shutdown
 * @param logQuestions      whether the request log carries question texts
 */
public record ServerSettings(String host, int port, long maxBodyBytes, long maxUploadBytes, int ratePerMinute,
                             Duration requestTimeout, int maxQueuedJobs, Duration shutdownGrace, boolean logQuestions) {
    public ServerSettings {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("server.host must name an address, e.g. 127.0.0.1");
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("the port must be between 0 and 65535, got " + port);
    }

    public static ServerSettings fromConfig(KnowhowConfig c) {
        return new ServerSettings(c.text(ConfigKeys.SERVER_HOST).strip(), c.integer(ConfigKeys.SERVER_PORT),
                c.longValue(ConfigKeys.SERVER_MAX_BODY_BYTES), c.longValue(ConfigKeys.SERVER_MAX_UPLOAD_BYTES),
                c.integer(ConfigKeys.SERVER_RATE_LIMIT), Duration.ofSeconds(c.longValue(ConfigKeys.SERVER_REQUEST_TIMEOUT)),
                c.integer(ConfigKeys.SERVER_MAX_QUEUED_JOBS), Duration.ofSeconds(c.longValue(ConfigKeys.SERVER_SHUTDOWN_SECONDS)),
                Boolean.parseBoolean(c.text(ConfigKeys.SERVER_LOG_QUESTIONS)));
    }

    public ServerSettings withHost(String h) {
        return new ServerSettings(h, port, maxBodyBytes, maxUploadBytes, ratePerMinute, requestTimeout, maxQueuedJobs, shutdownGrace, logQuestions);
    }

    public ServerSettings withPort(int p) {
        return new ServerSettings(host, p, maxBodyBytes, maxUploadBytes, ratePerMinute, requestTimeout, maxQueuedJobs, shutdownGrace, logQuestions);
    }

    public ServerSettings withRatePerMinute(int r) {
        return new ServerSettings(host, port, maxBodyBytes, maxUploadBytes, r, requestTimeout, maxQueuedJobs, shutdownGrace, logQuestions);
    }

    public ServerSettings withMaxUploadBytes(long m) {
        return new ServerSettings(host, port, maxBodyBytes, m, ratePerMinute, requestTimeout, maxQueuedJobs, shutdownGrace, logQuestions);
    }
}
