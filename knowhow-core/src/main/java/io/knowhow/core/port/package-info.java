/**
 * The ports: small interfaces every engine implements (embedder, store, generator, parser, token counter, store
 * provider), with domain types only. Each has a contract test suite in this module's test-jar.
 */
package io.knowhow.core.port;
