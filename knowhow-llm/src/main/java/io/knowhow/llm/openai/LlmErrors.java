package io.knowhow.llm.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.llm.openai.LlmException.Kind;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Every {@link LlmException} the generator raises, with a message that names the URL and the setting
 * to change: error responses by status and body, failures below HTTP, redirects, oversized responses
 * and the deadline.
 *
 * <p>Error bodies differ by server, so the message is looked up in the usual places: OpenAI, llama.cpp
 * and Ollama write {@code {"error": {"message": ...}}}, vLLM {@code {"message": ...}}, some proxies
 * {@code {"error": "..."}} or {@code {"detail": ...}}.
 *
 * <p>NOTE: anything a server sent passes through {@link #clip}, which blots out the API key should the
 * server echo it; the key is never put into a message otherwise.
 */
final class LlmErrors {
    private final ObjectMapper json = new ObjectMapper();
    private final LlmSettings settings;

    LlmErrors(LlmSettings settings) {
        this.settings = settings;
    }

    private URI url() {
        return settings.chatCompletionsUrl();
    }

    /**
     * The exception for a response that is not a success.
     *
     * @param status the HTTP status (200 for an error object inside a successful response)
     * @param body   the body as far as it was read; may be null
     */
    LlmException status(int status, String body, HttpHeaders headers) {
        if (status / 100 == 3) return redirect(status, headers);
        String said = serverMessage(body);
        String lower = said.toLowerCase(Locale.ROOT) + " " + (body == null ? "" : body.toLowerCase(Locale.ROOT));
        String quote = said.isEmpty() ? "HTTP " + status : "HTTP " + status + ": " + said;
        String model = settings.model();
        URI url = url();
        if (status == 401 || status == 403) {
            String hint = settings.apiKey() == null
                    ? "No API key is set: set " + LlmSettings.envVar("llm.api-key") + " (or llm.api-key)."
                    : "Check the API key (" + LlmSettings.envVar("llm.api-key") + " or llm.api-key) and that it may use model '" + model + "'.";
            return new LlmException(Kind.AUTHENTICATION, "The LLM server at " + url + " refused the request (" + quote + "). " + hint, null, status, null);
        }
        if (contextTooLong(lower)) {
            return new LlmException(Kind.CONTEXT_TOO_LONG, "The prompt is too long for model '" + model + "' at " + url + " (" + quote
                    + "). Set llm.context-window to the model's real window (now " + settings.contextWindowTokens()
                    + ") so prompts are trimmed to fit, retrieve fewer chunks (--k), or lower llm.max-tokens.", null, status, null);
        }
        if (status == 429 && lower.contains("insufficient_quota")) {
            return new LlmException(Kind.QUOTA_EXCEEDED, "The LLM account at " + url + " is out of quota (" + quote
                    + "). Check the plan and billing of the account the API key belongs to; retrying will not help.", null, status, null);
        }
        if (status == 429) {
            Duration wait = retryAfter(headers);
            return new LlmException(Kind.RATE_LIMITED, "The LLM server at " + url + " is rate-limiting requests (" + quote
                    + "). Wait and try again, or lower the request rate.", null, status, wait);
        }
        if (modelMissing(status, lower)) {
            return new LlmException(Kind.MODEL_NOT_FOUND, "The LLM server at " + url + " does not serve model '" + model + "' (" + quote
                    + "). Check llm.model (or " + LlmSettings.envVar("llm.model") + "); GET " + settings.baseUrl()
                    + "/models lists the models it serves.", null, status, null);
        }
        if (status == 404 || status == 405) {
            return new LlmException(Kind.ENDPOINT_NOT_FOUND, "No chat-completions endpoint at " + url + " (" + quote
                    + "). Check llm.base-url: it must be the server's OpenAI-compatible API root, e.g. http://localhost:11434/v1.", null, status, null);
        }
        if (status == 408) {
            return new LlmException(Kind.TIMEOUT, "The LLM server at " + url + " timed out the request (" + quote + ").", null, status, null);
        }
        if (status >= 500) {
            return new LlmException(Kind.SERVER_ERROR, "The LLM server at " + url + " failed (" + quote
                    + "). It may be overloaded or restarting; try again later.", null, status, retryAfter(headers));
        }
        return new LlmException(Kind.BAD_REQUEST, "The LLM server at " + url + " refused the request (" + quote
                + "). Check llm.model, llm.max-tokens and llm.temperature against what the server accepts.", null, status, null);
    }

    /**
     * A redirect is never followed: following it would send the prompt, and the API key, to an address
     * nobody configured.
     */
    LlmException redirect(int status, HttpHeaders headers) {
        String location = headers == null ? null : headers.firstValue("location").map(this::clip).orElse(null);
        String to = location == null ? "without a Location header" : "to " + location;
        return new LlmException(Kind.REDIRECTED, "The LLM server at " + url() + " redirects (HTTP " + status + ") " + to
                + ". Redirects are not followed, so the prompt and the API key never go to an address that was not configured: "
                + "if that address is the right server, set llm.base-url to it.", null, status, null);
    }

    /** The response passed {@code llm.max-response-bytes}; reading stopped there. */
    LlmException tooLarge(boolean streamed) {
        String what = streamed ? "The event stream from the LLM server at " + url() : "The response from the LLM server at " + url();
        return new LlmException(Kind.RESPONSE_TOO_LARGE, what + " is larger than llm.max-response-bytes (" + settings.maxResponseBytes()
                + " bytes); reading stopped there. If answers this long are expected, raise llm.max-response-bytes; "
                + "otherwise check that llm.base-url points at the right server.", null);
    }

    /** The answer was not complete within {@code llm.deadline-seconds}. */
    LlmException deadline(int attempts, boolean begun) {
        return new LlmException(Kind.DEADLINE_EXCEEDED, "No complete answer from the LLM server at " + url() + " within "
                + seconds(settings.deadline()) + ", the deadline per answer (llm.deadline-seconds), after " + attempts
                + (attempts == 1 ? " attempt" : " attempts") + (begun ? "; the answer had begun" : "")
                + ". The model may be overloaded or the prompt long: raise llm.deadline-seconds, or retrieve fewer chunks.", null);
    }

    /** The next retry's wait would end after the deadline: give up now with the last failure. */
    LlmException noTimeToRetry(LlmException last, int attempts, Duration wait) {
        return new LlmException(last.kind(), last.getMessage() + " (gave up after " + attempts + (attempts == 1 ? " attempt" : " attempts")
                + ": waiting " + seconds(wait) + " to retry would pass the deadline of " + seconds(settings.deadline())
                + " per answer, llm.deadline-seconds)", last, last.httpStatus(), last.retryAfter().orElse(null));
    }

    /** No retries left. */
    LlmException gaveUp(LlmException last, int attempts) {
        return new LlmException(last.kind(), last.getMessage() + " (gave up after " + attempts + " attempts)", last,
                last.httpStatus(), last.retryAfter().orElse(null));
    }

    /** A stream fell silent for longer than {@code llm.timeout-seconds}. */
    LlmException silence(boolean begun) {
        return new LlmException(Kind.TIMEOUT, "The LLM server at " + url() + " sent nothing for "
                + seconds(settings.readTimeout()) + (begun ? " in the middle of the answer" : " before the answer began")
                + ". The model may be overloaded or the prompt long: raise llm.timeout-seconds, or retrieve fewer chunks.", null);
    }

    LlmException interrupted(String while_, InterruptedException cause) {
        return new LlmException(Kind.INTERRUPTED, "Interrupted while " + while_ + " " + url(), cause);
    }

    LlmException malformed(String what, String body) {
        return new LlmException(Kind.MALFORMED_RESPONSE, "The LLM server at " + url()
                + " sent a response that is not a chat completion: " + what + " (" + excerpt(body)
                + "). Check that llm.base-url points at an OpenAI-compatible API.", null);
    }

    /** Maps a failure below HTTP (no response, or a broken one) to an exception that says what to do. */
    LlmException transport(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) e = e.getCause();
        URI url = url();
        if (e instanceof LlmException le) return le;
        if (e instanceof HttpConnectTimeoutException) {
            return new LlmException(Kind.TIMEOUT, "Connecting to the LLM server at " + url + " took longer than "
                    + seconds(settings.connectTimeout()) + ". Check that the host is reachable and llm.base-url is right.", e);
        }
        if (e instanceof HttpTimeoutException) {
            return new LlmException(Kind.TIMEOUT, "The LLM server at " + url + " did not answer within " + seconds(settings.readTimeout())
                    + ". The model may be loading or overloaded, or the prompt long: raise llm.timeout-seconds, or retrieve fewer chunks.", e);
        }
        if (e instanceof ConnectException || e instanceof UnresolvedAddressException || e.getCause() instanceof UnresolvedAddressException) {
            String why = e instanceof UnresolvedAddressException || e.getCause() instanceof UnresolvedAddressException
                    ? "unknown host" : "connection refused";
            return new LlmException(Kind.UNREACHABLE, "Cannot reach the LLM server at " + url + " (" + why
                    + "). Start the server, or set llm.base-url (" + LlmSettings.envVar("llm.base-url") + ") to where it listens.", e);
        }
        if (e instanceof SSLException) {
            return new LlmException(Kind.UNREACHABLE, "TLS with the LLM server at " + url + " failed (" + clip(String.valueOf(e.getMessage()))
                    + "). Check the URL's scheme (http or https) and the server's certificate.", e);
        }
        String what = e.getMessage() == null ? e.getClass().getSimpleName() : clip(e.getMessage());
        return new LlmException(Kind.NETWORK, "The connection to the LLM server at " + url + " broke (" + what + "). Try again.", e);
    }

    /** The server's own words about an error, or the start of the body when it is not JSON. */
    private String serverMessage(String body) {
        if (body == null || body.isBlank()) return "";
        try {
            JsonNode root = json.readTree(body);
            if (root != null && root.isObject()) {
                JsonNode error = root.path("error");
                for (JsonNode candidate : List.of(error.path("message"), error, root.path("message"), root.path("detail"))) {
                    if (candidate.isTextual() && !candidate.asText().isBlank()) return clip(candidate.asText());
                }
                JsonNode detail = root.path("detail");
                if (!detail.isMissingNode()) return clip(detail.toString());
            }
        } catch (JsonProcessingException ignored) {
            // Not JSON (an HTML error page, a proxy's text): quote its start instead.
        }
        return clip(body);
    }

    private static boolean contextTooLong(String lower) {
        return lower.contains("context_length_exceeded") || lower.contains("context length") || lower.contains("context window")
                || lower.contains("context size") || lower.contains("exceed_context") || lower.contains("maximum context")
                || lower.contains("too many tokens") || lower.contains("prompt is too long");
    }

    private static boolean modelMissing(int status, String lower) {
        if (lower.contains("model_not_found")) return true;
        boolean mentionsModel = lower.contains("model");
        boolean missing = lower.contains("not found") || lower.contains("does not exist") || lower.contains("not exist")
                || lower.contains("unknown model") || lower.contains("no such model") || lower.contains("invalid model");
        return mentionsModel && (status == 404 || (status == 400 || status == 422) && missing);
    }

    /** Retry-After in seconds or as an HTTP date, or the {@code retry-after-ms} some APIs send; null when absent. */
    static Duration retryAfter(HttpHeaders headers) {
        if (headers == null) return null;
        var ms = headers.firstValue("retry-after-ms");
        if (ms.isPresent()) {
            try {
                return Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(ms.get().strip()))));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        var v = headers.firstValue("retry-after");
        if (v.isEmpty()) return null;
        String s = v.get().strip();
        try {
            return Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(s) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private String excerpt(String body) {
        if (body == null || body.isBlank()) return "the body was empty";
        return "it began: " + clip(body);
    }

    /** One line of at most 300 characters, with the API key blotted out should the server echo it. */
    String clip(String s) {
        // Scrub before cutting, so a key straddling a cut cannot leave a recognisable prefix; cut before the
        // whitespace pass so a body of megabytes costs no more than its first few kilobytes.
        String one = settings.apiKey() == null ? s : s.replace(settings.apiKey(), "***");
        if (one.length() > 4096) one = one.substring(0, 4096);
        one = one.strip().replaceAll("\\s+", " ");
        return one.length() <= 300 ? one : one.substring(0, 300) + "…";
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
