package io.sigbridge.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.sigbridge.Signal;
import io.sigbridge.junit.internal.DeathChild;
import io.sigbridge.junit.internal.DeathRun;
import io.sigbridge.junit.internal.Durations;
import io.sigbridge.junit.internal.HarnessConfig;
import io.sigbridge.junit.internal.RunningTests;

/**
 * Death tests, as in GoogleTest: assert that a piece of code ends the process, by a signal or with
 * an exit status, and optionally what it printed to standard error.
 *
 * <pre>{@code
 * Deaths.assertDiesBy(Signal.ABRT, () -> Native.abortNow());
 * Deaths.assertExits(3, "config missing", () -> Main.main(new String[0]));
 * }</pre>
 *
 * <h2>How the body runs</h2>
 * The body runs in a child JVM: this JVM's {@code java}, its options (less a debugger agent and
 * the module-system options: the child puts the module path on its class path), its class path
 * (with the URLs of the test's class loader: the console launcher's {@code --class-path}), its
 * working directory, and every system property it has that the child lacks. The child re-runs
 * the current test, found by its JUnit unique id (its class and method, and the invocation of a
 * parameterized or repeated test), in a launcher of its own with this run's configuration
 * parameters: {@code @BeforeAll} and {@code @BeforeEach} run, the death assertions before this one
 * return at once, this one runs its body, and nothing after it runs. So the body may capture
 * anything (no serialization), but the test must reach the same death assertion again on the
 * same path. The current test is known from {@link SigbridgeListener}, which the launcher finds
 * by itself; this works under Surefire's forks, Gradle, the console launcher and IDEs alike.
 *
 * <h2>How the end is judged</h2>
 * The JDK reports a child killed by signal n as exit status 128+n; a JVM that shuts down on HUP,
 * INT or TERM (its shutdown hooks, then 128+n) counts as death by that signal too. The child
 * records whether the body returned, threw, or called {@code System.exit}, so those are told
 * apart; {@code Runtime.halt(134)} and a native {@code exit(134)} cannot be told from death by
 * ABRT. A body that returns or throws has not died: its assertion fails with what it did. The
 * child is killed after {@link SigbridgeJUnit#DEATH_TIMEOUT} (5 minutes by default).
 *
 * <h2>Platforms</h2>
 * Linux and macOS. On Windows a process ends with an exit code only ({@code abort()} gives 3):
 * {@link #assertDiesBy} throws {@link UnsupportedOperationException} there; use
 * {@link #assertExits}.
 */
public final class Deaths {
    /** The code that should end the process: a no-argument lambda that may throw. */
    @FunctionalInterface
    public interface Body {
        /**
         * Runs the code.
         *
         * @throws Throwable anything; a body that throws has not died
         */
        void run() throws Throwable;
    }

    private Deaths() {}

    /**
     * Asserts that {@code body} ends the process by {@code signal}.
     *
     * @param signal the expected signal, such as {@link Signal#ABRT}
     * @param body the code, run in a child JVM
     * @throws AssertionError naming the expected and the actual end, with the tail of the
     *     child's standard error
     * @throws IllegalStateException when no test is running, or sigbridge's listener is off
     * @throws UnsupportedOperationException on Windows
     */
    public static void assertDiesBy(Signal signal, Body body) {
        assertDiesBy(signal, null, body);
    }

    /**
     * Asserts that {@code body} ends the process by {@code signal} and that its standard error
     * contains a match of {@code stderrPattern}.
     *
     * @param signal the expected signal
     * @param stderrPattern a regular expression ({@link Pattern#MULTILINE}) to find in the child's
     *     standard error, or {@code null} for any
     * @param body the code, run in a child JVM
     * @throws AssertionError naming the expected and the actual end, with the tail of the
     *     child's standard error
     * @throws IllegalArgumentException for a malformed pattern
     */
    public static void assertDiesBy(Signal signal, String stderrPattern, Body body) {
        Objects.requireNonNull(signal, "signal");
        if (System.getProperty("os.name", "").startsWith("Windows")) {
            throw new UnsupportedOperationException("Windows reports no death by signal (abort() ends a"
                    + " process with exit code 3): use Deaths.assertExits");
        }
        signal.number(); // an unavailable constant fails here, naming the platform
        check("death by " + signal.name(), end -> end.isDeathBy(signal), stderrPattern, body);
    }

    /**
     * Asserts that {@code body} ends the process with exit status {@code status}
     * ({@code System.exit}, {@code Runtime.halt} or a native {@code exit}).
     *
     * @param status the expected status
     * @param body the code, run in a child JVM
     * @throws AssertionError naming the expected and the actual end, with the tail of the
     *     child's standard error
     */
    public static void assertExits(int status, Body body) {
        assertExits(status, null, body);
    }

    /**
     * Asserts that {@code body} ends the process with exit status {@code status} and that its
     * standard error contains a match of {@code stderrPattern}.
     *
     * @param status the expected status
     * @param stderrPattern a regular expression ({@link Pattern#MULTILINE}) to find in the child's
     *     standard error, or {@code null} for any
     * @param body the code, run in a child JVM
     * @throws AssertionError naming the expected and the actual end, with the tail of the
     *     child's standard error
     * @throws IllegalArgumentException for a malformed pattern
     */
    public static void assertExits(int status, String stderrPattern, Body body) {
        check("exit " + status, end -> end.isExit(status), stderrPattern, body);
    }

    private interface Expectation {
        boolean metBy(DeathRun.Ending end);
    }

    private static void check(String expected, Expectation expectation, String stderrPattern, Body body) {
        Objects.requireNonNull(body, "body");
        Pattern pattern = compile(stderrPattern);
        if (DeathChild.isChild()) {
            DeathChild.atDeathAssertion(body);
            return;
        }
        RunningTests.Node test = RunningTests.current().orElseThrow(() -> new IllegalStateException(
                "a death assertion must run inside a test, on its thread, with sigbridge's listener on"
                        + " (io.sigbridge.junit.SigbridgeListener: the JUnit launcher finds it through the"
                        + " ServiceLoader unless junit.platform.execution.listeners.deactivate names it)"));
        int call = test.nextDeathCall();
        Duration timeout = RunningTests.harness().map(HarnessConfig::deathTimeout).orElseGet(() ->
                Durations.parse(SigbridgeJUnit.DEATH_TIMEOUT, System.getProperty(SigbridgeJUnit.DEATH_TIMEOUT,
                        SigbridgeJUnit.DEFAULT_DEATH_TIMEOUT)));
        DeathRun run;
        try {
            run = DeathRun.run(test.uniqueId(), call, body.getClass(), RunningTests.configuration(), timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the death test's child JVM", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the death test's child JVM", e);
        }
        DeathRun.Ending end = run.ending();
        if (!expectation.metBy(end)) {
            throw new AssertionError("expected " + expected + ", got " + end + " (" + run.stderrTail() + ")");
        }
        if (pattern != null && !pattern.matcher(run.stderr()).find()) {
            throw new AssertionError("expected " + expected + " with stderr matching /" + pattern.pattern()
                    + "/, got " + end + " but stderr did not match (" + run.stderrTail() + ")");
        }
    }

    private static Pattern compile(String stderrPattern) {
        if (stderrPattern == null) {
            return null;
        }
        try {
            return Pattern.compile(stderrPattern, Pattern.MULTILINE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a regular expression: " + stderrPattern, e);
        }
    }
}
