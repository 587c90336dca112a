package io.knowhow.llm.openai;

import io.knowhow.core.grounding.CitationMarkers;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.ChatMessage;
import io.knowhow.core.model.Generation;
import io.knowhow.core.model.Usage;
import io.knowhow.core.port.TokenCounter;
import io.knowhow.llm.openai.LlmException.Kind;

import java.util.List;
import java.util.Locale;

/**
 * Makes a {@link Generation} of a {@link ChatProtocol.Reply}: refuses an empty answer with the reason,
 * estimates usage the server did not report, prices it, recognises the abstention sentence and keeps
 * the citation numbers that point at evidence.
 */
final class ReplyMapping {
    private final LlmSettings settings;
    private final TokenCounter tokens;

    ReplyMapping(LlmSettings settings, TokenCounter tokens) {
        this.settings = settings;
        this.tokens = tokens;
    }

    Generation generation(ChatProtocol.Reply reply, List<ChatMessage> messages, int evidenceSize) {
        String text = reply.text();
        if (text.isBlank()) {
            String why = "length".equals(reply.finishReason())
                    ? "the answer was cut off at llm.max-tokens (" + settings.maxTokens() + ") before any text: raise llm.max-tokens"
                    : "the model returned no text (finish_reason " + reply.finishReason() + ")";
            throw new LlmException(Kind.MALFORMED_RESPONSE, "The LLM server at " + settings.chatCompletionsUrl() + " sent an empty answer: " + why + ".", null);
        }
        Usage usage = new Usage(
                reply.promptTokens() != null ? reply.promptTokens() : estimatePrompt(messages),
                reply.completionTokens() != null ? reply.completionTokens() : tokens.count(text));
        double cost = settings.cost(usage);
        if (isAbstention(text)) return new Generation(Answer.ABSTENTION, List.of(), true, usage, cost);
        List<Integer> cited = CitationMarkers.numbers(text).stream().filter(n -> n >= 1 && n <= evidenceSize).toList();
        return new Generation(text, cited, false, usage, cost);
    }

    private int estimatePrompt(List<ChatMessage> messages) {
        // Same overhead as the prompt builder's estimate: 4 per message, 3 to prime the reply.
        return messages.stream().mapToInt(m -> tokens.count(m.content()) + 4).sum() + 3;
    }

    private static boolean isAbstention(String text) {
        // Only short texts can be the sentence; this spares normalising an answer of megabytes.
        if (text.length() > 1000) return false;
        String t = text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        String a = Answer.ABSTENTION.toLowerCase(Locale.ROOT);
        return t.equals(a) || t.equals(a.substring(0, a.length() - 1));
    }
}
