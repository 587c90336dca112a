package io.knowhow.core.model;

import java.util.Collection;
import java.util.Set;

/**
 * Who is reading the knowledge base: decides which restricted chunks a search, a source listing or a
 * prompt may contain. A chunk with no access groups is public; a restricted chunk is readable by a
 * reader in at least one of its groups.
 *
 * <p>Three kinds of reader, so that "no groups" never has to mean two things:
 * {@link #anonymous()} sees public chunks only; {@link #of} sees public chunks and those of its groups;
 * {@link #unrestricted()} sees everything and is for maintenance that must touch every chunk
 * (re-embedding, migration, the owner's own command line when asked for it explicitly).
 *
 * @param groups       the access groups the reader belongs to
 * @param seesAll true for the {@link #unrestricted()} reader: access groups do not apply to it
 */
public record Reader(Set<String> groups, boolean seesAll) {
    private static final Reader ANONYMOUS = new Reader(Set.of(), false);
    private static final Reader UNRESTRICTED = new Reader(Set.of(), true);

    public Reader {
        groups = Set.copyOf(groups == null ? Set.of() : groups);
        for (String g : groups)
            if (g.isBlank()) throw new IllegalArgumentException("an access group name must not be blank");
        if (seesAll && !groups.isEmpty())
            throw new IllegalArgumentException("an unrestricted reader has no groups to name");
    }

    /** Public chunks only. */
    public static Reader anonymous() {
        return ANONYMOUS;
    }

    /** Public chunks and those restricted to any of {@code groups}; no groups is {@link #anonymous()}. */
    public static Reader of(String... groups) {
        return of(Set.of(groups));
    }

    /** Public chunks and those restricted to any of {@code groups}; no groups is {@link #anonymous()}. */
    public static Reader of(Collection<String> groups) {
        return groups.isEmpty() ? ANONYMOUS : new Reader(Set.copyOf(groups), false);
    }

    /** Every chunk, whatever its groups: for maintenance, never for a request from a user. */
    public static Reader unrestricted() {
        return UNRESTRICTED;
    }

    /** Whether this reader may see something restricted to {@code accessGroups} (empty: public). */
    public boolean mayRead(Set<String> accessGroups) {
        if (seesAll || accessGroups.isEmpty()) return true;
        for (String g : accessGroups) if (groups.contains(g)) return true;
        return false;
    }

    @Override
    public String toString() {
        return seesAll ? "Reader[unrestricted]" : groups.isEmpty() ? "Reader[anonymous]" : "Reader" + groups;
    }
}
