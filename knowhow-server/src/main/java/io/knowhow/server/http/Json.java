package io.knowhow.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.Collection;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Reads request bodies strictly: an unknown field, a number given as a string, a fraction where a whole number
 * belongs or trailing garbage is a 400 that names the field, so a typo ({@code "qestion"}) is not silently ignored.
 */
public final class Json {
    static final ObjectMapper STRICT = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                    DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {}

    /** The body as a {@code type} (a record), or a 400 naming what is wrong. */
    public static <T> T read(byte[] body, Class<T> type) {
        if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank())
            throw ApiException.badRequest("the request body is empty: send a JSON object" + fields(type));
        try {
            T value = STRICT.readValue(body, type);
            if (value == null) throw ApiException.badRequest("the request body is null: send a JSON object" + fields(type));
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest("unknown field '" + e.getPropertyName() + "'" + where(e) + "; known fields: "
                    + known(e.getKnownPropertyIds()));
        } catch (InvalidFormatException e) {
            throw ApiException.badRequest("field '" + path(e) + "' has the wrong type: expected " + typeName(e.getTargetType()) + ", got " + e.getValue());
        } catch (MismatchedInputException e) {
            String p = path(e);
            if (p.isEmpty()) throw ApiException.badRequest("the request body must be a JSON object" + fields(type));
            throw ApiException.badRequest("field '" + p + "' has the wrong type: expected " + typeName(e.getTargetType()));
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read: " + e.getMessage());
        }
    }

    /** The body as a JSON tree, lenient about fields (for APIs such as OpenAI's whose clients send extra ones). */
    public static JsonNode tree(byte[] body) {
        try {
            JsonNode n = STRICT.readTree(body);
            if (n == null || !n.isObject()) throw ApiException.badRequest("the request body must be a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read: " + e.getMessage());
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String where(JsonMappingException e) {
        String p = path(e);
        int dot = p.lastIndexOf('.');
        return dot < 0 ? "" : " in '" + p.substring(0, dot) + "'";
    }

    private static String known(Collection<Object> ids) {
        return ids == null ? "?" : ids.stream().map(Objects::toString).sorted().collect(Collectors.joining(", "));
    }

    private static String fields(Class<?> type) {
        if (!type.isRecord()) return "";
        return " with the fields " + java.util.Arrays.stream(type.getRecordComponents())
                .map(c -> PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(c.getName())).collect(Collectors.joining(", "));
    }

    private static String typeName(Class<?> t) {
        if (t == null) return "another type";
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) return "a whole number";
        if (t == Double.class || t == double.class) return "a number";
        if (t == Boolean.class || t == boolean.class) return "true or false";
        if (t == String.class) return "a string";
        if (java.util.Collection.class.isAssignableFrom(t)) return "an array";
        return "a " + t.getSimpleName();
    }
}
