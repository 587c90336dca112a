package io.knowhow.app.store;

import io.knowhow.core.port.StoreLocation;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A store to migrate a knowledge base into: a {@code store.kind} and the location (directory and settings) it
 * is opened at, written as one address.
 *
 * <ul>
 *   <li>{@code solr://zk1:2181,zk2:2181/solr?collection=kb&shards=4&replicas=2}: SolrCloud by its ZooKeeper
 *       addresses and chroot ({@code solr.zk-hosts}); each query parameter {@code p} is the setting {@code solr.p}.</li>
 *   <li>{@code solr+http://solr1:8983/solr?collection=kb} (or {@code solr+https}): SolrCloud by a node's URL ({@code solr.urls}).</li>
 *   <li>{@code lucene} or {@code lucene:DIR}: the embedded store of this knowledge base, or of the one in {@code DIR}.</li>
 *   <li>{@code KIND} or {@code KIND://...?p=v}: any other registered store, with settings {@code KIND.p}.</li>
 * </ul>
 *
 * @param kind     the provider's {@code store.kind}
 * @param location where the provider opens it
 */
public record StoreTarget(String kind, StoreLocation location) {
    public StoreTarget {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(location, "location");
    }

    /**
     * Reads an address; {@code kbDir} is the knowledge base being migrated (a remote store needs no directory, an
     * embedded one without a {@code :DIR} goes there).
     *
     * @throws IllegalArgumentException naming the address and the forms it may take
     */
    public static StoreTarget parse(String address, Path kbDir) {
        String a = address.strip();
        int colon = a.indexOf(':');
        String scheme = (colon < 0 ? a : a.substring(0, colon)).toLowerCase(Locale.ROOT);
        if (scheme.isEmpty() || !scheme.matches("[a-z][a-z0-9+.-]*"))
            throw new IllegalArgumentException("'" + address + "' is not a store address: use solr://ZK_HOST:PORT[/CHROOT]?collection=NAME, "
                    + "solr+http://SOLR_HOST:8983/solr?collection=NAME, or lucene[:DIR]");
        if (colon < 0) return new StoreTarget(scheme, new StoreLocation(kbDir, Map.of()));
        String rest = a.substring(colon + 1);
        if (!rest.startsWith("//")) // KIND:DIR, an embedded store in another directory
            return new StoreTarget(scheme, new StoreLocation(Path.of(rest), Map.of()));
        String kind = scheme.contains("+") ? scheme.substring(0, scheme.indexOf('+')) : scheme;
        String transport = scheme.contains("+") ? scheme.substring(scheme.indexOf('+') + 1) : null;
        String hostsAndPath = rest.substring(2);
        String query = "";
        int q = hostsAndPath.indexOf('?');
        if (q >= 0) {
            query = hostsAndPath.substring(q + 1);
            hostsAndPath = hostsAndPath.substring(0, q);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        if (transport == null) {
            settings.put(kind + ".zk-hosts", hostsAndPath);
        } else {
            if (!transport.equals("http") && !transport.equals("https"))
                throw new IllegalArgumentException("'" + address + "': " + kind + "+" + transport + " is not a transport; use " + kind + "+http or " + kind + "+https");
            URI.create(transport + "://" + hostsAndPath); // checks the syntax, naming the address
            settings.put(kind + ".urls", transport + "://" + hostsAndPath);
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("'" + address + "': query parameter '" + pair + "' has no value (write NAME=VALUE)");
            settings.put(kind + "." + decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
        return new StoreTarget(kind, new StoreLocation(kbDir, settings));
    }

    /** The settings that make this store a knowledge base's own: {@code store.kind} plus the location's. */
    public Map<String, String> configuration() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("store.kind", kind);
        c.putAll(location.settings());
        return c;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
