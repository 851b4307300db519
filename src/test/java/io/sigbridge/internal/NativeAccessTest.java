package io.sigbridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sigbridge.testsupport.ChildProcess;
import io.sigbridge.testsupport.LoadAndHandle;

/**
 * JEP 472 on a real JDK 25 (Temurin, in a child JVM): loading the library without native access
 * gives the JVM's "restricted method" warning and sigbridge's own message naming the flag for
 * the class path or the module path; with that flag there is neither. Skipped when
 * {@code -Dsigbridge.test.jdk25=JAVA_HOME} (default /usr/lib/jvm/temurin-25-jdk-amd64) is absent.
 */
class NativeAccessTest {
    private static final String JDK_WARNING = "WARNING: A restricted method in java.lang.System has been called";
    private static final String OURS = "sigbridge loads its JNI library with System.load";

    @Test
    void inThisJvmThereIsNothingToSay() {
        // JDK 17, or the jdk25 Surefire pass, which runs with --enable-native-access=ALL-UNNAMED
        boolean flagged = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
                .contains("--enable-native-access=ALL-UNNAMED");
        assumeTrue(Runtime.version().feature() < NativeAccess.FIRST_RESTRICTED_FEATURE || flagged);
        assertNull(NativeAccess.disabledMessage());
    }

    @Test
    void theMessageNamesTheFlagForEachPath() {
        assertTrue(NativeAccess.message(null).contains("--enable-native-access=ALL-UNNAMED"));
        assertTrue(NativeAccess.message(null).contains("Enable-Native-Access: ALL-UNNAMED"));
        assertTrue(NativeAccess.message("io.sigbridge").contains("--enable-native-access=io.sigbridge"));
    }

    @Test
    void classPathWithoutTheFlagWarnsAndSaysWhichFlag() throws Exception {
        Result r = run(List.of(), classPath());
        assertTrue(r.stderr.contains(JDK_WARNING), r::toString);
        assertTrue(r.stderr.contains(OURS) && r.stderr.contains("--enable-native-access=ALL-UNNAMED")
                && r.stderr.contains("on the class path"), r::toString);
    }

    @Test
    void classPathWithTheFlagIsQuiet() throws Exception {
        Result r = run(List.of("--enable-native-access=ALL-UNNAMED"), classPath());
        assertQuiet(r);
    }

    @Test
    void modulePathWithoutTheFlagNamesTheModule() throws Exception {
        Result r = run(List.of(), modulePath());
        assertTrue(r.stdout.contains("module io.sigbridge"), () -> "ran as a named module: " + r);
        assertTrue(r.stderr.contains(JDK_WARNING), r::toString);
        assertTrue(r.stderr.contains(OURS) && r.stderr.contains("--enable-native-access=io.sigbridge"),
                r::toString);
    }

    @Test
    void modulePathWithTheFlagIsQuiet() throws Exception {
        Result r = run(List.of("--enable-native-access=io.sigbridge"), modulePath());
        assertTrue(r.stdout.contains("module io.sigbridge"), () -> "ran as a named module: " + r);
        assertQuiet(r);
    }

    private static void assertQuiet(Result r) {
        assertFalse(r.stderr.contains("restricted method"), r::toString);
        assertFalse(r.stderr.contains(OURS), r::toString);
        assertFalse(r.stderr.contains("WARNING"), r::toString);
    }

    private static List<String> classPath() {
        return List.of("-cp", mainClasses() + File.pathSeparator + testClasses());
    }

    /** The main classes as the io.sigbridge module, this test's classes on the class path. */
    private static List<String> modulePath() {
        return List.of("--module-path", mainClasses(), "--add-modules", "io.sigbridge",
                "-cp", testClasses());
    }

    private static String mainClasses() {
        return System.getProperty("sigbridge.test.classes", "target/classes");
    }

    private static String testClasses() {
        try {
            return Path.of(LoadAndHandle.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Result run(List<String> flags, List<String> paths) throws Exception {
        Path java = Path.of(System.getProperty("sigbridge.test.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"),
                "bin", "java");
        assumeTrue(Files.isExecutable(java), java + " is not installed");
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(flags);
        cmd.addAll(paths);
        cmd.add(LoadAndHandle.class.getName());
        try (ChildProcess p = ChildProcess.command(cmd).exitTimeout(Duration.ofSeconds(60)).start()) {
            Result r = new Result(cmd, p.awaitExit(), p.stdout(), p.stderr());
            assertEquals(0, r.status, r::toString);
            assertTrue(r.stdout.contains("handled USR1 from pid " + p.pid()), r::toString);
            return r;
        }
    }

    private static final class Result {
        final List<String> cmd;
        final int status;
        final String stdout;
        final String stderr;

        Result(List<String> cmd, int status, String stdout, String stderr) {
            this.cmd = cmd;
            this.status = status;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public String toString() {
            return String.join(" ", cmd) + "\nstatus " + status + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }
}
