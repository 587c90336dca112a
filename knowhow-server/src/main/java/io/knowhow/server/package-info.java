/**
 * {@code knowhow serve}: the HTTP server over one knowledge base — REST ({@code /api}), OpenAI-compatible
 * ({@code /v1}), the web UI, OpenAPI, health, readiness and Prometheus metrics. {@link io.knowhow.server.KnowhowServer}
 * holds the dispatcher; the routes are grouped by face. Imports only knowhow-app and knowhow-core (ADR 0008).
 */
package io.knowhow.server;
