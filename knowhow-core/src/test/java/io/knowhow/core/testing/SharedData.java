package io.knowhow.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The public data sets in {@code ../shared/data} (the {@code knowhow.shared.data} system property, set by the
 * build). A test that needs one skips only when it is absent, with a message that starts with {@link #MISSING}:
 * {@code .ci/run} fails the build when such a skip happens while the folder exists, so a moved file or a typo in a
 * path can never turn a data test into a silent pass.
 */
public final class SharedData {
    /** How every skip for missing shared data begins; .ci/run looks for it. */
    public static final String MISSING = "shared data missing:";

    private SharedData() {}

    /** The shared data folder (it may not exist). */
    public static Path root() {
        return Path.of(System.getProperty("knowhow.shared.data", "../shared/data"));
    }

    /** The file or folder {@code relative} inside the shared data; skips the test when it is not there. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), MISSING + " " + p.toAbsolutePath().normalize()
                + " (tests read the public data sets from ../shared/data; see its README)");
        return p;
    }
}
