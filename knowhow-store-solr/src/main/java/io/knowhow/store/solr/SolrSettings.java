package io.knowhow.store.solr;

import io.knowhow.core.port.StoreLocation;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a knowledge base's SolrCloud collection is, read from the {@code solr.*} settings of its
 * {@link StoreLocation}.
 *
 * @param zkHosts    ZooKeeper addresses ({@code solr.zk-hosts}, e.g. {@code zk1:2181,zk2:2181/solr}), or empty
 * @param zkChroot   the ZooKeeper chroot from {@code solr.zk-hosts} ({@code /solr}), or empty
 * @param urls       Solr base URLs ({@code solr.urls}, e.g. {@code http://solr1:8983/solr}), when there is no
 *                   ZooKeeper address
 * @param collection the name readers use ({@code solr.collection}): an alias, which knowhow points at the current
 *                   physical collection {@code NAME_N}
 * @param shards     shards of a collection knowhow creates ({@code solr.shards})
 * @param replicas   replicas of each shard ({@code solr.replicas})
 */
public record SolrSettings(List<String> zkHosts, Optional<String> zkChroot, List<String> urls, String collection,
                           int shards, int replicas) {
    public static final String ZK_HOSTS = "solr.zk-hosts";
    public static final String URLS = "solr.urls";
    public static final String COLLECTION = "solr.collection";
    public static final String SHARDS = "solr.shards";
    public static final String REPLICAS = "solr.replicas";

    public SolrSettings {
        zkHosts = List.copyOf(zkHosts);
        urls = List.copyOf(urls);
        if (zkHosts.isEmpty() == urls.isEmpty())
            throw new IllegalArgumentException("store.kind solr needs the cluster's address: set " + ZK_HOSTS
                    + " (e.g. `knowhow config set " + ZK_HOSTS + " localhost:9983`) or " + URLS + " (e.g. http://localhost:8983/solr), one of them");
        if (!validName(collection))
            throw new IllegalArgumentException(COLLECTION + " '" + collection + "' is not a Solr collection name: use letters, digits, '.', '_' and '-', not starting with '-'");
        if (shards < 1) throw new IllegalArgumentException(SHARDS + " must be at least 1, got " + shards);
        if (replicas < 1) throw new IllegalArgumentException(REPLICAS + " must be at least 1, got " + replicas);
    }

    /** The settings of {@code location}; the collection name defaults to one made from the knowledge base's directory name. */
    public static SolrSettings of(StoreLocation location) {
        List<String> zk = List.of();
        Optional<String> chroot = Optional.empty();
        Optional<String> zkSetting = location.setting(ZK_HOSTS);
        if (zkSetting.isPresent()) {
            String v = zkSetting.get().strip();
            int slash = v.indexOf('/');
            if (slash >= 0) {
                String root = v.substring(slash);
                if (root.length() > 1) chroot = Optional.of(root);
                v = v.substring(0, slash);
            }
            zk = split(v);
        }
        List<String> urls = location.setting(URLS).map(SolrSettings::split).orElse(List.of());
        String collection = location.setting(COLLECTION).map(String::strip).orElseGet(() -> defaultCollection(location));
        return new SolrSettings(zk, chroot, urls, collection, intSetting(location, SHARDS, 1), intSetting(location, REPLICAS, 1));
    }

    /** The cluster's address for messages: {@code zk1:2181,zk2:2181/solr} or the URLs. */
    public String address() {
        return zkHosts.isEmpty() ? String.join(",", urls) : String.join(",", zkHosts) + zkChroot.orElse("");
    }

    /**
     * A collection name made from the knowledge base's directory name ({@code .knowhow} → {@code knowhow},
     * {@code /srv/Team Docs} → {@code team_docs}). Two machines sharing a collection set {@code solr.collection}.
     */
    static String defaultCollection(StoreLocation location) {
        String name = location.kbDir().getFileName() == null ? "" : location.kbDir().getFileName().toString();
        String cleaned = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "_").replaceAll("^[._-]+", "");
        return cleaned.isEmpty() ? "knowhow" : cleaned;
    }

    static boolean validName(String name) {
        return name != null && name.matches("[A-Za-z0-9._][A-Za-z0-9._-]*");
    }

    private static int intSetting(StoreLocation location, String key, int fallback) {
        String v = location.setting(key).orElse(null);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
        }
    }

    private static List<String> split(String v) {
        return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
