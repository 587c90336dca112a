package io.knowhow.eval.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.util.List;
import java.util.Optional;

/**
 * Format adherence: whether an answer is JSON that satisfies a JSON Schema (draft 2020-12 unless the schema's
 * {@code $schema} names another), validated by networknt's json-schema-validator. The JSON is the whole answer
 * (markers removed), else the span from its first <code>{</code> to its last <code>}</code> — models often wrap JSON in a
 * sentence or a code fence.
 */
public final class SchemaCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    /** Draft 2020-12's meta-schema, bundled in the validator's jar: a schema that breaks it is refused, not silently applied. */
    private static final Schema META = REGISTRY.getSchema(com.networknt.schema.SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));

    /** The outcome: valid, or the first problems found (not JSON, or the schema's errors). */
    public record Result(boolean valid, List<String> problems) {
        public Result {
            problems = List.copyOf(problems);
        }
    }

    private SchemaCheck() {}

    /**
     * @throws IllegalArgumentException when the schema itself cannot be loaded (the case is then unscored)
     */
    public static Result check(JsonNode schema, String answer) {
        Schema s;
        try {
            List<Error> metaErrors = META.validate(schema);
            if (!metaErrors.isEmpty())
                throw new IllegalArgumentException("it is not a valid JSON Schema (" + metaErrors.get(0).getInstanceLocation() + ": " + metaErrors.get(0).getMessage() + ")");
            s = REGISTRY.getSchema(schema);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the schema cannot be loaded: " + e.getMessage(), e);
        }
        Optional<JsonNode> json = parse(AnswerScoring.withoutMarkers(answer));
        if (json.isEmpty()) return new Result(false, List.of("the answer is not JSON"));
        List<Error> errors = s.validate(json.get());
        return new Result(errors.isEmpty(), errors.stream().limit(5).map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList());
    }

    static Optional<JsonNode> parse(String text) {
        String t = text.strip();
        Optional<JsonNode> whole = tryParse(t);
        if (whole.isPresent()) return whole;
        int start = t.indexOf('{'), end = t.lastIndexOf('}');
        if (start >= 0 && end > start) return tryParse(t.substring(start, end + 1));
        return Optional.empty();
    }

    private static Optional<JsonNode> tryParse(String t) {
        if (t.isEmpty()) return Optional.empty();
        try {
            JsonNode n = JSON.readTree(t);
            return n == null || n.isMissingNode() || !(n.isContainerNode()) ? Optional.empty() : Optional.of(n);
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
