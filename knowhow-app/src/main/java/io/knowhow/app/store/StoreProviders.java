package io.knowhow.app.store;

import io.knowhow.core.port.StoreProvider;

import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Finds the {@link StoreProvider} of a {@code store.kind} among those on the class path (each store
 * module registers its own with {@link ServiceLoader}), so adding a store needs no change here.
 */
public final class StoreProviders {
    private StoreProviders() {}

    /** Every provider on the class path. */
    public static List<StoreProvider> all() {
        return ServiceLoader.load(StoreProvider.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /** The kinds that can be configured, for messages and {@code config keys}. */
    public static List<String> kinds() {
        return all().stream().map(StoreProvider::kind).sorted().toList();
    }

    /**
     * The provider registered for {@code kind}.
     *
     * @throws IllegalArgumentException naming the kind and the ones available
     */
    public static StoreProvider forKind(String kind) {
        String wanted = kind.strip().toLowerCase(Locale.ROOT);
        for (StoreProvider p : all()) if (p.kind().equalsIgnoreCase(wanted)) return p;
        throw new IllegalArgumentException("store.kind '" + kind + "' has no store module on the class path (available: "
                + String.join(", ", kinds()) + ")");
    }
}
