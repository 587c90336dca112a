package io.knowhow.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import io.knowhow.server.http.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** /openapi.json describes every served route, with the scope it needs, and nothing that is not served. */
class OpenApiTest {
    @Test
    void everyServedRouteIsDocumentedAndEveryDocumentedRouteIsServed(@TempDir Path dir) throws Exception {
        JsonNode doc = JsonViews.MAPPER.readTree(WebRoutes.openApiDocument());
        try (Knowhow kb = Knowhow.builder(dir.resolve("kb")).environment(Map.of()).build();
             KnowhowServer server = KnowhowServer.start(kb, ServerSettings.fromConfig(kb.config()).withPort(0),
                     new PrintStream(PrintStream.nullOutputStream()))) {
            Set<String> served = new HashSet<>();
            for (Route r : server.routes()) {
                String path = r.template().replace("*}", "}");
                String method = r.method().toLowerCase(Locale.ROOT);
                served.add(method + " " + path);
                JsonNode op = doc.path("paths").path(path).path(method);
                assertThat(op.isObject()).as(r.method() + " " + path + " is in openapi.json").isTrue();
                if (r.scope().isPresent()) assertThat(op.path("x-knowhow-scope").asText()).as(path + " scope").isEqualTo(r.scope().get().label());
                else assertThat(op.path("security").isArray() && op.path("security").isEmpty()).as(path + " is public").isTrue();
            }
            Set<String> documented = new HashSet<>();
            doc.path("paths").properties().forEach(p -> p.getValue().properties().forEach(m -> documented.add(m.getKey() + " " + p.getKey())));
            assertThat(documented).isEqualTo(served);
        }
    }
}
