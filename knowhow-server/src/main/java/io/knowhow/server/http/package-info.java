/**
 * HTTP plumbing on the JDK's server: routes, one call's request and response (JSON, server-sent events), strict JSON
 * bodies, a streaming multipart reader, safe upload names, and the mapping of knowhow's exceptions to statuses.
 */
package io.knowhow.server.http;
