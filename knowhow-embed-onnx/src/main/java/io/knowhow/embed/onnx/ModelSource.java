package io.knowhow.embed.onnx;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where an embedding model's two files come from: a jar resource ({@link Resource}) or a directory
 * ({@link Directory}). Each opens the ONNX session and the tokenizer and names itself in messages.
 */
sealed interface ModelSource permits ModelSource.Resource, ModelSource.Directory {
    /** Creates the session; closes {@code options} either way. */
    OrtSession openSession(OrtEnvironment environment, OrtSession.SessionOptions options) throws OrtException;

    /** A Hugging Face tokenizer configured by DJL's option map. */
    HuggingFaceTokenizer openTokenizer(Map<String, String> options);

    /** Names the model file for error messages. */
    String describeModel();

    /** The two files as classpath resources of a {@link BundledModel}'s jar. */
    record Resource(BundledModel model) implements ModelSource {
        @Override
        public OrtSession openSession(OrtEnvironment environment, OrtSession.SessionOptions options) throws OrtException {
            try (options) {
                return environment.createSession(read(model.modelResource()), options);
            }
        }

        @Override
        public HuggingFaceTokenizer openTokenizer(Map<String, String> options) {
            try (InputStream in = open(model.tokenizerResource())) {
                return HuggingFaceTokenizer.newInstance(in, options);
            } catch (IOException | RuntimeException e) {
                throw new ModelLoadException("cannot read tokenizer resource '" + model.tokenizerResource()
                        + "' of bundled model " + model + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String describeModel() {
            return "bundled model " + model + " (resource '" + model.modelResource() + "')";
        }

        private byte[] read(String resource) {
            try (InputStream in = open(resource)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new ModelLoadException("cannot read resource '" + resource + "' of bundled model " + model
                        + ": " + e.getMessage(), e);
            }
        }

        private InputStream open(String resource) {
            InputStream in = BundledModel.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new ModelLoadException("resource '" + resource + "' of bundled model " + model
                        + " is not on the classpath: add the jar " + model.jar() + " (only its model files are used)");
            }
            return in;
        }
    }

    /** {@code model.onnx} and {@code tokenizer.json} as files, already checked to exist. */
    record Directory(Path modelFile, Path tokenizerFile) implements ModelSource {
        @Override
        public OrtSession openSession(OrtEnvironment environment, OrtSession.SessionOptions options) throws OrtException {
            // By path rather than bytes: ONNX Runtime then also finds external weight files next to it.
            try (options) {
                return environment.createSession(modelFile.toAbsolutePath().toString(), options);
            }
        }

        @Override
        public HuggingFaceTokenizer openTokenizer(Map<String, String> options) {
            try (InputStream in = Files.newInputStream(tokenizerFile)) {
                return HuggingFaceTokenizer.newInstance(in, options);
            } catch (IOException | RuntimeException e) {
                throw new ModelLoadException("cannot read tokenizer file " + tokenizerFile.toAbsolutePath()
                        + " (expected Hugging Face tokenizer.json): " + e.getMessage(), e);
            }
        }

        @Override
        public String describeModel() {
            return "model file " + modelFile.toAbsolutePath();
        }
    }
}
