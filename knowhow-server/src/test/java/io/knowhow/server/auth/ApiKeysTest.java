package io.knowhow.server.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeysTest {
    @Test
    void aKeyIsShownOnceAndStoredOnlyAsASaltedHash(@TempDir Path kb) throws Exception {
        ApiKeys keys = new ApiKeys(kb);
        ApiKeys.Created c = keys.create("ci", Scope.INGEST, Set.of("finance", "hr"));
        assertThat(c.key()).startsWith("kh_").hasSizeGreaterThan(40);
        String file = Files.readString(kb.resolve("keys.json"));
        assertThat(file).doesNotContain(c.key()).doesNotContain(c.key().substring(3)).contains("\"sha256\"").contains("\"salt\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kb.resolve("keys.json")))).isEqualTo("rw-------");
        Principal p = keys.verify(c.key()).orElseThrow();
        assertThat(p.name()).isEqualTo("ci");
        assertThat(p.scope()).isEqualTo(Scope.INGEST);
        assertThat(p.reader().groups()).containsExactlyInAnyOrder("finance", "hr");
        assertThat(keys.verify(c.key() + "x")).isEmpty();
        assertThat(keys.verify("kh_" + "A".repeat(43))).isEmpty();
        assertThat(keys.verify(null)).isEmpty();
    }

    @Test
    void twoKeysWithTheSameSecretStillHashApart(@TempDir Path kb) {
        byte[] salt1 = new byte[16], salt2 = new byte[16];
        salt2[0] = 1;
        assertThat(ApiKeys.hash(salt1, "kh_same")).isNotEqualTo(ApiKeys.hash(salt2, "kh_same"));
    }

    @Test
    void listRevokeAndChangesFromAnotherInstance(@TempDir Path kb) {
        ApiKeys cli = new ApiKeys(kb), server = new ApiKeys(kb);
        assertThat(server.isEmpty()).isTrue();
        String k = cli.create(null, Scope.READ, Set.of()).key();
        assertThat(server.verify(k)).isPresent();
        server.flushLastUsed();
        assertThat(cli.list()).singleElement().satisfies(i -> {
            assertThat(i.name()).isEqualTo("key-1");
            assertThat(i.lastUsed()).isPresent();
        });
        assertThatThrownBy(() -> cli.create("key-1", Scope.READ, Set.of())).hasMessageContaining("exists already");
        assertThatThrownBy(() -> cli.create("../x", Scope.READ, Set.of())).hasMessageContaining("key name");
        assertThat(cli.revoke("key-1")).isTrue();
        assertThat(cli.revoke("key-1")).isFalse();
        assertThat(server.verify(k)).isEmpty();
    }

    @Test
    void scopesIncludeTheOnesBelow() {
        assertThat(Scope.ADMIN.includes(Scope.INGEST)).isTrue();
        assertThat(Scope.INGEST.includes(Scope.READ)).isTrue();
        assertThat(Scope.READ.includes(Scope.INGEST)).isFalse();
        assertThatThrownBy(() -> Scope.parse("root")).hasMessageContaining("read, ingest or admin");
    }
}
