package io.knowhow.store.lucene;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreCheck;
import io.knowhow.core.port.StoreLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash consistency for real: a child JVM ({@link CrashWriter}) writes to a knowledge base and is killed
 * with SIGKILL at random points — after a random number of its commits, plus a random few milliseconds, so
 * kills land inside commits, merges, purges, builds and swaps. After every kill the knowledge base must
 * open, pass {@code check()}, and hold every source whole: all its chunks from one version, as many as that
 * version has, as many as its manifest entry says. Finally a run to the end must reach the final state.
 *
 * <p>Seeded: {@code -Dknowhow.crash.seed=N} replays a run; the seed is in every failure message.
 */
class CrashConsistencyIT {
    private static final int REPLACE_KILLS = 10;
    private static final int REBUILD_KILLS = 6;
    /** Lines the writer prints in a full run of each mode: commits (and purge, delete, swap markers). */
    private static final int REPLACE_LINES = CrashWriter.VERSIONS * (CrashWriter.FILES / CrashWriter.BATCH) + 2;
    private static final int REBUILD_LINES = CrashWriter.FILES / CrashWriter.BATCH + 1;

    @TempDir
    Path kb;

    private final long seed = Long.getLong("knowhow.crash.seed", new Random().nextLong());
    private final Random random = new Random(seed);
    private final LuceneStoreProvider provider = new LuceneStoreProvider();
    /** Whether a kill ever left a knowledge base: from then on one must always be there. */
    private boolean committed;

    @Test
    void killedWritersLeaveEverySourceWholeAndARerunConverges() throws Exception {
        for (int kill = 0; kill < REPLACE_KILLS; kill++) {
            runAndKill("replace", random.nextInt(REPLACE_LINES + 1));
            verifyWhole("after kill " + kill + " of replace");
        }
        assertThat(run("replace")).as(seed()).isZero();
        verifyFinal(CrashWriter.VERSIONS);

        for (int kill = 0; kill < REBUILD_KILLS; kill++) {
            runAndKill("rebuild", random.nextInt(REBUILD_LINES + 1));
            verifyWhole("after kill " + kill + " of rebuild");
        }
        assertThat(run("rebuild")).as(seed()).isZero();
        verifyFinal(CrashWriter.REBUILT);
    }

    /** Starts the writer, lets it print {@code lines} lines, waits a random few milliseconds more, kills it. */
    private void runAndKill(String mode, int lines) throws Exception {
        Process process = start(mode);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (int seen = 0; seen < lines; seen++) if (out.readLine() == null) break;
            Thread.sleep(random.nextInt(40));
            process.destroyForcibly();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(seed()).isTrue();
        }
    }

    private int run(String mode) throws Exception {
        Process process = start(mode);
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) output.add(line);
        }
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(seed()).isTrue();
        assertThat(output).as(seed() + ": " + mode + " ran to the end").contains("done");
        return process.exitValue();
    }

    private Process start(String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName(), mode, kb.toString())
                .redirectErrorStream(true)
                .start();
    }

    /** Every source whole and consistent with its manifest entry; the index passes check(). */
    private void verifyWhole(String when) {
        if (provider.existing(StoreLocation.of(kb)).isEmpty()) {
            // Killed before the first commit of a new knowledge base: none yet, which is the state before.
            assertThat(committed).as(seed() + ", " + when + ": a knowledge base that existed is gone").isFalse();
            return;
        }
        committed = true;
        StoreCheck check = provider.check(StoreLocation.of(kb));
        assertThat(check.problems()).as(seed() + ", " + when).isEmpty();
        try (ReadableKnowledgeStore reader = provider.openForReading(StoreLocation.of(kb), Versions.IDENTITY)) {
            for (SourceRecord source : reader.sources()) {
                List<Chunk> chunks = reader.chunks(source.source());
                assertThat(chunks).as(seed() + ", " + when + ": " + source.source()).isNotEmpty();
                int version = Versions.versionOf(chunks.getFirst());
                int file = Integer.parseInt(source.source().replaceAll("\\D", ""));
                assertThat(chunks).as(seed() + ", " + when + ": " + source.source() + " all from one version")
                        .allMatch(c -> Versions.versionOf(c) == version);
                assertThat(chunks).as(seed() + ", " + when + ": " + source.source() + " whole").hasSize(Versions.chunkCount(file, version));
                assertThat(source.chunkCount()).as(seed() + ", " + when + ": manifest of " + source.source()).isEqualTo(chunks.size());
                assertThat(source.contentHash()).as(seed() + ", " + when).isEqualTo(Versions.hash(file, version));
            }
        }
    }

    private void verifyFinal(int version) {
        verifyWhole("at the end");
        try (ReadableKnowledgeStore reader = provider.openForReading(StoreLocation.of(kb), Versions.IDENTITY)) {
            assertThat(reader.sources()).as(seed()).hasSize(CrashWriter.FILES);
            for (int f = 0; f < CrashWriter.FILES; f++)
                assertThat(reader.chunks(Versions.source(f))).as(seed()).allMatch(c -> Versions.versionOf(c) == version);
        }
    }

    private String seed() {
        return "seed " + seed + " (replay with -Dknowhow.crash.seed=" + seed + ")";
    }
}
