/**
 * Who may call the server: API keys (salted hashes in {@code KB/keys.json}), their scopes and access groups (the
 * reader identity of every query), and a per-caller rate limit.
 */
package io.knowhow.server.auth;
