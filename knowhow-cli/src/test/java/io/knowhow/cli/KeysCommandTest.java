package io.knowhow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.knowhow.app.json.JsonViews;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code knowhow keys}: a key is printed once, listed never, and revoked by name. */
class KeysCommandTest {
    @TempDir
    Path kb;

    record Result(int status, String out, String err) {}

    Result run(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "--kb";
        full[1] = kb.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Result(Main.run(full), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void createListRevoke() throws Exception {
        Result created = run("keys", "create", "--scope", "read", "--groups", "finance,hr", "--name", "bot");
        assertThat(created.status()).as(created.err()).isZero();
        String key = created.out().strip();
        assertThat(key).startsWith("kh_");
        assertThat(created.err()).contains("shown only this once").doesNotContain(key);
        assertThat(Files.readString(kb.resolve("keys.json"))).doesNotContain(key);

        Result json = run("keys", "create", "--scope", "admin", "--json");
        JsonNode n = JsonViews.MAPPER.readTree(json.out());
        assertThat(n.path("name").asText()).isEqualTo("key-2");
        assertThat(n.path("key").asText()).startsWith("kh_");

        Result list = run("keys", "list");
        assertThat(list.out()).contains("bot").contains("finance,hr").contains("read").contains("key-2").contains("never").doesNotContain(key);
        Result listJson = run("keys", "list", "--json");
        assertThat(JsonViews.MAPPER.readTree(listJson.out()).path("keys")).hasSize(2);
        assertThat(listJson.out()).doesNotContain("kh_");

        assertThat(run("keys", "revoke", "bot").status()).isZero();
        assertThat(run("keys", "revoke", "bot").status()).isEqualTo(1);
        assertThat(run("keys", "create", "--scope", "root").status()).isEqualTo(2);
        assertThat(run("keys", "list").out()).doesNotContain("bot");
    }

    @Test
    void serveRefusesAnotherAddressWithoutKeys() {
        Result r = run("serve", "--host", "0.0.0.0", "--port", "0");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("without API keys").contains("knowhow keys create");
    }
}
