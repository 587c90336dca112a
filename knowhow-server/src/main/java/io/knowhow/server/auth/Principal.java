package io.knowhow.server.auth;

import io.knowhow.core.model.Reader;

import java.util.Set;

/**
 * Who is calling: an API key's name, scope and access groups, or the anonymous caller a loopback server without
 * keys lets read public documents. The groups are the reader identity every query runs with.
 *
 * @param name      the key's name (logged; the key itself never is), or "anonymous"
 * @param scope     what it may do
 * @param groups    the access groups whose documents it may read
 * @param anonymous no key was presented
 */
public record Principal(String name, Scope scope, Set<String> groups, boolean anonymous) {
    public static final Principal ANONYMOUS = new Principal("anonymous", Scope.READ, Set.of(), true);

    public Principal {
        groups = Set.copyOf(groups);
    }

    /** The reader every query of this caller runs as: its groups, never unrestricted. */
    public Reader reader() {
        return Reader.of(groups);
    }
}
