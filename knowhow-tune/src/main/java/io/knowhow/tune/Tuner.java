package io.knowhow.tune;

import io.knowhow.tune.data.ExampleEncoder;
import io.knowhow.tune.data.PreparedData;
import io.knowhow.tune.data.TrainingData;
import io.knowhow.tune.data.TrainingDataException;
import io.knowhow.tune.data.TrainingExample;
import io.knowhow.tune.model.ChatTemplate;
import io.knowhow.tune.model.DecoderModel;
import io.knowhow.tune.model.ModelConfig;
import io.knowhow.tune.model.ModelFiles;
import io.knowhow.tune.model.TextTokenizer;
import io.knowhow.tune.train.Checkpoint;

import java.io.IOException;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Fine-tunes a local Hugging Face model on a JSONL file of examples, with LoRA or on all weights, and
 * writes a PEFT adapter or a whole model that {@link io.knowhow.tune.generate.LocalGenerator} runs.
 *
 * <p>Output directory:
 * <pre>
 * adapter_config.json, adapter_model.safetensors   LoRA: the adapter (PEFT layout)
 * config.json, model.safetensors, tokenizer.json   full fine-tuning: the model (Hugging Face layout)
 * merged/                                          LoRA with merge: base + adapter as one model
 * checkpoints/step-NNNNNN/                         the newest checkpoint (see {@link Checkpoint})
 * run-log.jsonl                                    one line per step and per validation pass
 * </pre>
 *
 * <p>Interrupting: {@link #cancel()} (from any thread) makes the run write a checkpoint after the step
 * in progress and return with {@link TuneResult#interrupted()} set; {@link #shutdownHook()} wraps that
 * for Ctrl-C. A later run with {@code resume} continues from the checkpoint on the same loss curve.
 *
 * <p>One run per JVM at a time: DJL's PyTorch engine allows a single gradient collector per process.
 * A {@code Tuner} instance runs one training at a time; {@link #cancel()} applies to the current one.
 */
public final class Tuner {
    /** DJL allows one collecting GradientCollector per JVM, so runs are serialised process-wide. */
    private static final Semaphore ONE_RUN_PER_JVM = new Semaphore(1);

    private volatile boolean cancelled;
    private volatile CountDownLatch finished = new CountDownLatch(0);

    /**
     * Trains {@code baseModelDir} on {@code dataJsonl} as {@code options} say.
     *
     * @throws io.knowhow.tune.model.ModelLoadException     when the model directory is missing or unsupported
     * @throws io.knowhow.tune.data.TrainingDataException   when the data file is missing or has invalid lines
     * @throws IllegalArgumentException                     when the options do not fit the model or the output directory
     * @throws IllegalStateException                        when another run is in progress in this JVM
     */
    public TuneResult run(Path baseModelDir, Path dataJsonl, TuneOptions options, TuneListener listener) {
        return run(baseModelDir, dataJsonl, Optional.empty(), options, listener);
    }

    /**
     * Trains as {@link #run(Path, Path, TuneOptions, TuneListener)} does, and measures forgetting on {@code generalSet}
     * (examples in the training data's formats, none of them the task's): its loss per target token before training and
     * for each artifact written, logged as {@code {"type":"forgetting"}} lines that {@code eval compare} reads. Empty
     * means the bundled {@link #GENERAL_SET} (24 everyday questions and answers), so every run measures it.
     */
    public TuneResult run(Path baseModelDir, Path dataJsonl, Optional<Path> generalSet, TuneOptions options, TuneListener listener) {
        Objects.requireNonNull(baseModelDir, "baseModelDir");
        Objects.requireNonNull(dataJsonl, "dataJsonl");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        if (!ONE_RUN_PER_JVM.tryAcquire())
            throw new IllegalStateException("Another fine-tuning run is in progress in this process; DJL's PyTorch engine trains one at a time");
        finished = new CountDownLatch(1);
        cancelled = false;
        try {
            ModelFiles files = ModelFiles.locate(baseModelDir);
            ModelConfig config = ModelConfig.read(baseModelDir);
            if (options.maxSeqLen() > config.contextLength())
                throw new IllegalArgumentException("the maximum sequence length " + options.maxSeqLen() + " exceeds the model's context of "
                        + config.contextLength() + " tokens");
            List<TrainingExample> examples = TrainingData.read(dataJsonl);
            List<TrainingExample> general = generalSet.map(Tuner::readGeneralSet).orElseGet(Tuner::bundledGeneralSet);
            String dataHash = sha256(dataJsonl);
            try (TextTokenizer tokenizer = TextTokenizer.load(files.tokenizer())) {
                ChatTemplate template = ChatTemplate.detect(baseModelDir, tokenizer);
                ExampleEncoder encoder = new ExampleEncoder(template, tokenizer, options.maxSeqLen());
                PreparedData data = PreparedData.split(encoder.encodeAll(examples), options.valFraction(), options.seed(), dataJsonl.toString());
                GeneralSet generalData = new GeneralSet(generalSet.map(Path::toString).orElse(GENERAL_SET),
                        encoder.encodeAll(general).stream().filter(e -> e.targetCount() > 0).toList());
                Optional<Checkpoint> checkpoint = checkOutput(options, dataHash);
                try (DecoderModel model = DecoderModel.load(baseModelDir)) {
                    TrainingRun run = new TrainingRun(baseModelDir, model, template.name(), data, generalData, options, dataHash, checkpoint,
                            listener, () -> cancelled || Thread.currentThread().isInterrupted());
                    return run.run();
                }
            }
        } finally {
            ONE_RUN_PER_JVM.release();
            finished.countDown();
        }
    }

    /** The bundled general set's resource name, as run logs and messages name it. */
    public static final String GENERAL_SET = "knowhow:general-set.jsonl";

    private static List<TrainingExample> readGeneralSet(Path file) {
        try {
            return TrainingData.read(file);
        } catch (TrainingDataException e) { // says "training data"; this file is the general set
            throw new TrainingDataException("the general set (--general-set) is unusable: " + e.getMessage(), e.problems());
        }
    }

    private static List<TrainingExample> bundledGeneralSet() {
        try (InputStream in = Tuner.class.getResourceAsStream("general-set.jsonl")) {
            if (in == null) throw new IllegalStateException("the bundled general set is missing from knowhow-tune's jar");
            return TrainingData.read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), GENERAL_SET);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the bundled general set: " + e.getMessage(), e);
        }
    }

    /** Asks the current run to checkpoint after the step in progress and return. Safe from any thread. */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Waits until the current run (if any) has returned, checkpoint written.
     *
     * @return false when {@code timeout} passed first
     */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A thread for {@link Runtime#addShutdownHook}: on Ctrl-C it cancels the run and waits up to two
     * minutes for the checkpoint, so the JVM does not exit half-way through writing it.
     */
    public Thread shutdownHook() {
        return new Thread(() -> {
            cancel();
            try {
                awaitStop(Duration.ofMinutes(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "knowhow-tune-shutdown");
    }

    /**
     * Checks the output directory against the resume setting and returns the checkpoint to continue from.
     */
    private static Optional<Checkpoint> checkOutput(TuneOptions options, String dataHash) {
        Path out = options.output();
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("the output " + out + " is a file, not a directory");
        Optional<Checkpoint> latest = Checkpoint.latest(out.resolve(TrainingRun.CHECKPOINTS));
        if (latest.isPresent()) {
            if (!options.resume())
                throw new IllegalArgumentException(out + " holds a checkpoint of an earlier run (" + latest.get().dir().getFileName()
                        + "): resume it, or choose an empty output directory");
            Checkpoint c = latest.get();
            if (!c.state().path("options").toString().equals(options.fingerprint().toString())) // text: parsed numbers differ in node type
                throw new IllegalArgumentException("cannot resume " + c.dir() + ": it was trained with " + c.state().path("options")
                        + ", these options are " + options.fingerprint() + " (only output, checkpoint interval, patience and merge may change)");
            if (!c.state().path("data_sha256").asText().equals(dataHash))
                throw new IllegalArgumentException("cannot resume " + c.dir() + ": the training data file changed since the checkpoint");
            return latest;
        }
        if (Files.isDirectory(out) && !isEmpty(out))
            throw new IllegalArgumentException("the output directory " + out + " is not empty and holds no checkpoint to resume: choose a new one");
        return Optional.empty();
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
