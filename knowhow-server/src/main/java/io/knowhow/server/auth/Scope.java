package io.knowhow.server.auth;

import java.util.Locale;

/** What an API key may do; each scope includes the ones before it. */
public enum Scope {
    /** ask, search, list sources and chunks, chat completions, own jobs. */
    READ,
    /** and upload documents, delete sources it may read. */
    INGEST,
    /** and ingest folders by server path, tune, read evaluation reports, see every job. */
    ADMIN;

    public boolean includes(Scope needed) {
        return ordinal() >= needed.ordinal();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scope parse(String s) {
        for (Scope v : values()) if (v.label().equalsIgnoreCase(s == null ? "" : s.strip())) return v;
        throw new IllegalArgumentException("unknown scope '" + s + "': use read, ingest or admin");
    }
}
