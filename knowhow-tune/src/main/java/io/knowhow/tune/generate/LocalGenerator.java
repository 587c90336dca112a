package io.knowhow.tune.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.knowhow.core.grounding.CitationMarkers;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.ChatMessage;
import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.Usage;
import io.knowhow.core.port.StreamingGenerator;
import io.knowhow.core.port.TokenCounter;
import io.knowhow.core.prompt.ContextWindowExceededException;
import io.knowhow.tune.artifact.PeftAdapter;
import io.knowhow.tune.model.ChatTemplate;
import io.knowhow.tune.model.DecoderModel;
import io.knowhow.tune.model.KvCache;
import io.knowhow.tune.model.LoraWeights;
import io.knowhow.tune.model.ModelConfig;
import io.knowhow.tune.model.ModelFiles;
import io.knowhow.tune.model.TextTokenizer;
import io.knowhow.tune.model.Torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Answers with a base or fine-tuned Llama-family model running in this process (DJL / PyTorch, CPU),
 * whole or streamed.
 *
 * <p>The prompt: the request's messages when the caller assembled them; otherwise an optional system
 * message and one user message, which is the question alone when there is no evidence (strategy
 * "tuned") and the numbered evidence followed by the question when there is (strategy "hybrid"), as
 * {@link #userMessage} lays it out. Fine-tune a model for the hybrid strategy on inputs in that same
 * layout. Evidence that does not fit the context window beside the answer is dropped from the lowest
 * rank up. The chat template of the model's family wraps the messages.
 *
 * <p>Why not a {@link io.knowhow.core.port.PromptedGenerator}: the knowledge base's prompt builder
 * writes fenced evidence blocks and answering rules for instruction-following API models; a model tuned
 * here learned the plain layout above, and this generator fits evidence with the model's own tokenizer.
 *
 * <p>Decoding: the prompt in one forward pass on libtorch, then one token per pass with a KV cache — in
 * Java ({@link VectorDecoder}, f32 by default or Q8) or on libtorch, as {@link GenerationOptions#decoding()} says; greedy or
 * seeded temperature / top-p sampling; it ends at the family's end-of-turn token, a configured stop
 * sequence or the token limit. Gradient recording is switched off on the calling thread. The
 * {@code cited} list of the result holds the {@code [n]} markers of the answer that point into the
 * evidence; an answer that is the abstention sentence comes back as {@link Answer#ABSTENTION}, abstained.
 *
 * <p>Thread-safe: generations run one at a time. {@link #close()} frees the model.
 */
public final class LocalGenerator implements StreamingGenerator {
    /** Put before the question when evidence precedes it. */
    public static final String QUESTION_PREFIX = "Question: ";

    private final DecoderModel model;
    private final VectorDecoder decoder; // null when decoding on libtorch
    private final TextTokenizer tokenizer;
    private final ChatTemplate template;
    private final GenerationOptions options;
    private final Set<Integer> endTokens;
    private final String name;

    private LocalGenerator(DecoderModel model, TextTokenizer tokenizer, ChatTemplate template, GenerationOptions options, String name) {
        this.model = model;
        this.decoder = javaDecoder(model, options.decoding());
        this.tokenizer = tokenizer;
        this.template = template;
        this.options = options;
        this.name = name;
        Set<Integer> ends = new HashSet<>(model.config().eosTokenIds());
        for (String t : template.endOfTurnTokens()) tokenizer.addedToken(t).ifPresent(ends::add);
        this.endTokens = Set.copyOf(ends);
    }

    /**
     * The Java decoder for {@code decoding}, or null for libtorch. Its weights live on the Java heap: when the
     * requested precision does not fit beside what is in use, Q8 is tried, then libtorch, and stderr says so
     * (an OutOfMemoryError half-way through copying would explain nothing).
     */
    private static VectorDecoder javaDecoder(DecoderModel model, GenerationOptions.Decoding decoding) {
        if (decoding == GenerationOptions.Decoding.LIBTORCH) return null;
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        // The f32 arrays are read out of libtorch one matrix at a time before Q8 packs them: count one for either.
        long extra = largestMatrixBytes(model.config());
        long f32 = VectorDecoder.estimateBytes(model.config(), VectorDecoder.Precision.F32) + extra;
        long q8 = VectorDecoder.estimateBytes(model.config(), VectorDecoder.Precision.Q8) + extra;
        VectorDecoder.Precision p = precisionFor(decoding, f32, q8, free);
        if (p == null) {
            System.err.printf(Locale.ROOT, "knowhow: the Java decoder needs ~%d MB of heap, %d MB are free: decoding on libtorch, slower "
                    + "(raise -Xmx through KNOWHOW_JAVA_OPTS)%n", q8 >> 20, free >> 20);
            return null;
        }
        if (decoding == GenerationOptions.Decoding.F32 && p == VectorDecoder.Precision.Q8)
            System.err.printf(Locale.ROOT, "knowhow: the f32 decoder needs ~%d MB of heap, %d MB are free: decoding with q8 "
                    + "(raise -Xmx through KNOWHOW_JAVA_OPTS for f32)%n", f32 >> 20, free >> 20);
        return VectorDecoder.of(model, p);
    }

    /**
     * The precision to decode with: the one asked for when its weights fit in 90% of the free heap, else Q8
     * (from F32), else null (libtorch).
     */
    static VectorDecoder.Precision precisionFor(GenerationOptions.Decoding decoding, long f32Bytes, long q8Bytes, long freeBytes) {
        if (decoding == GenerationOptions.Decoding.LIBTORCH) return null;
        if (decoding == GenerationOptions.Decoding.F32 && f32Bytes < freeBytes * 0.9) return VectorDecoder.Precision.F32;
        if (q8Bytes < freeBytes * 0.9) return VectorDecoder.Precision.Q8;
        return null;
    }

    private static long largestMatrixBytes(ModelConfig c) {
        return 4L * Math.max((long) c.vocabSize() * c.hiddenSize(), (long) c.intermediateSize() * c.hiddenSize());
    }

    /**
     * Loads the model in {@code modelDir}, with the PEFT adapter in {@code adapterDir} merged into its
     * weights when given (so decoding runs at the base model's speed).
     *
     * @throws io.knowhow.tune.model.ModelLoadException naming the path when the model or adapter cannot be used
     */
    public static LocalGenerator open(Path modelDir, Optional<Path> adapterDir, GenerationOptions options) {
        Objects.requireNonNull(adapterDir, "adapterDir");
        Objects.requireNonNull(options, "options");
        ModelFiles files = ModelFiles.locate(modelDir);
        TextTokenizer tokenizer = TextTokenizer.load(files.tokenizer());
        DecoderModel model = null;
        try {
            ChatTemplate template = ChatTemplate.detect(modelDir, tokenizer);
            model = DecoderModel.load(modelDir);
            if (adapterDir.isPresent()) {
                try (LoraWeights lora = PeftAdapter.read(adapterDir.get(), model.config(), model.manager())) {
                    model.mergeLora(lora);
                }
            }
            String name = "local:" + modelDir.toAbsolutePath().normalize().getFileName()
                    + adapterDir.map(a -> "+" + a.toAbsolutePath().normalize().getFileName()).orElse("");
            return new LocalGenerator(model, tokenizer, template, options, name);
        } catch (RuntimeException e) {
            if (model != null) model.close();
            tokenizer.close();
            throw e;
        }
    }

    /**
     * The user message for a question and its evidence:
     * <pre>
     * [1] first chunk's text
     *
     * [2] second chunk's text
     *
     * Question: the question
     * </pre>
     * and the question alone when there is no evidence.
     */
    public static String userMessage(String question, List<Hit> evidence) {
        if (evidence.isEmpty()) return question.strip();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < evidence.size(); i++)
            sb.append('[').append(i + 1).append("] ").append(evidence.get(i).chunk().text().strip()).append("\n\n");
        return sb.append(QUESTION_PREFIX).append(question.strip()).toString();
    }

    @Override
    public String name() {
        return name;
    }

    public GenerationOptions options() {
        return options;
    }

    public ModelConfig config() {
        return model.config();
    }

    /** Counts tokens with the model's own tokenizer. */
    public TokenCounter tokenCounter() {
        return tokenizer;
    }

    /** The model, for tests in this package (memory accounting). */
    DecoderModel model() {
        return model;
    }

    /** The chat layout in use (chatml, llama3, mistral). */
    public String chatTemplate() {
        return template.name();
    }

    @Override
    public Generation generate(GenerationRequest request) {
        return run(request, null);
    }

    @Override
    public Generation generate(GenerationRequest request, Consumer<String> onToken) {
        return run(request, Objects.requireNonNull(onToken, "onToken"));
    }

    private synchronized Generation run(GenerationRequest request, Consumer<String> onToken) {
        Torch.gradMode(false); // per thread: this may be a thread that never ran DJL before
        int context = model.config().contextLength();
        List<ChatMessage> messages;
        int[] prompt;
        int evidence;
        if (!request.messages().isEmpty()) {
            messages = request.messages();
            prompt = encode(template.prompt(messages));
            evidence = request.evidence().size();
        } else {
            evidence = request.evidence().size();
            // Evidence gives way to the answer only down to a quarter of the window: a small model's window could never
            // hold the full max-new-tokens beside any evidence, and evidence silently dropped to make room for an answer
            // that length would turn tuned-rag into tuned.
            int reserve = Math.min(options.maxNewTokens(), Math.max(16, context / 4));
            while (true) {
                messages = new ArrayList<>();
                if (options.systemPrompt() != null) messages.add(ChatMessage.system(options.systemPrompt()));
                messages.add(ChatMessage.user(userMessage(request.question(), request.evidence().subList(0, evidence))));
                prompt = encode(template.prompt(messages));
                if (prompt.length + reserve <= context || evidence == 0) break;
                evidence--; // drop the lowest-ranked evidence that does not fit beside the answer
            }
        }
        int maxNew = Math.min(options.maxNewTokens(), context - prompt.length);
        if (maxNew < 1)
            throw new ContextWindowExceededException("The prompt takes " + prompt.length + " tokens, the model " + name + " reads at most "
                    + context + ": shorten the question or system prompt", prompt.length, context);

        List<Integer> generated = new ArrayList<>();
        TextStream stream = new TextStream(options.stopSequences(), onToken);
        Sampler sampler = new Sampler(options.temperature(), options.topP(), options.seed());
        try (NDManager scope = model.manager().newSubManager();
             KvCache cache = new KvCache(model.config(), 1, prompt.length + maxNew, scope)) {
            float[] logits = forward(scope, cache, prompt); // the prompt in one batched pass on libtorch
            VectorDecoder.Cache javaCache = decoder == null ? null : handOver(cache, prompt.length + maxNew);
            for (int i = 0; i < maxNew; i++) {
                int next = sampler.next(logits);
                if (endTokens.contains(next)) break;
                generated.add(next);
                if (stream.update(tokenizer.decode(ids(generated)))) break;
                if (i + 1 < maxNew) logits = javaCache != null ? decoder.step(javaCache, next) : forward(scope, cache, new int[] {next});
            }
        }
        String text = stream.finish(tokenizer.decode(ids(generated)));
        Usage usage = new Usage(prompt.length, generated.size());
        if (isAbstention(text)) return new Generation(Answer.ABSTENTION, List.of(), true, usage, 0);
        int cited = evidence;
        List<Integer> citations = CitationMarkers.numbers(text).stream().filter(n -> n >= 1 && n <= cited).toList();
        return new Generation(text, citations, false, usage, 0);
    }

    /** The prompt's keys and values, copied from libtorch's cache into the Java decoder's. */
    private VectorDecoder.Cache handOver(KvCache cache, int capacity) {
        int layers = model.config().layers();
        float[][] keys = new float[layers][], values = new float[layers][];
        for (int l = 0; l < layers; l++) {
            keys[l] = cache.copy(l, true);
            values[l] = cache.copy(l, false);
        }
        VectorDecoder.Cache javaCache = decoder.newCache(capacity);
        decoder.load(javaCache, keys, values, cache.length());
        return javaCache;
    }

    /** Runs {@code tokens} through the model after the cache's positions; the logits at the last one. */
    private float[] forward(NDManager parent, KvCache cache, int[] tokens) {
        try (NDManager step = parent.newSubManager()) {
            long[] ids = new long[tokens.length];
            for (int i = 0; i < tokens.length; i++) ids[i] = tokens[i];
            NDArray hidden = model.forward(Torch.longs(step, ids, 1, ids.length), cache, null, false); // (1, T, hidden)
            NDArray last = hidden.get(new NDIndex("0, {}", tokens.length - 1));                       // (hidden)
            return model.logits(last).toFloatArray();
        }
    }

    private int[] encode(List<ChatTemplate.Segment> segments) {
        List<Integer> out = new ArrayList<>();
        for (ChatTemplate.Segment s : segments) for (int id : tokenizer.encode(s.text())) out.add(id);
        return ids(out);
    }

    private static int[] ids(List<Integer> list) {
        int[] a = new int[list.size()];
        for (int i = 0; i < a.length; i++) a[i] = list.get(i);
        return a;
    }

    private static boolean isAbstention(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        String a = Answer.ABSTENTION.toLowerCase(Locale.ROOT);
        return t.equals(a) || t.equals(a.substring(0, a.length() - 1));
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "LocalGenerator[" + name + ", " + template.name() + "]";
    }
}
