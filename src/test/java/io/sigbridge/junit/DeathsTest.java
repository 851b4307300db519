package io.sigbridge.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.engine.TestExecutionResult;

import io.sigbridge.Signal;
import io.sigbridge.Signals;

/**
 * Death tests for real: each sample's body runs in a child JVM that re-runs the sample (by its
 * unique id) and ends by a real signal or exit; the samples run in a nested launcher with the
 * listener, as they would under Surefire with the junit jar on the class path.
 */
class DeathsTest {
    private static NestedRun run;

    /** The samples; the nested class is not run by Surefire itself (excluded: **}/*$*). */
    static class Samples {
        private int status;

        @BeforeEach
        void setUp() {
            status = 3; // set again in the child: the death test's child runs the test's setup too
        }

        @Test
        void abortDies() {
            Deaths.assertDiesBy(Signal.ABRT, () -> Signals.raise(Signal.ABRT));
        }

        @Test
        void exitsWithTheStatusSetUpBefore() {
            Deaths.assertExits(3, "config missing", () -> {
                System.err.println("config missing: /etc/app.conf");
                System.exit(status);
            });
        }

        @Test
        void termHandledByTheJvmIsDeathByTerm() {
            Deaths.assertDiesBy(Signal.TERM, () -> {
                Signals.raise(Signal.TERM); // the JVM shuts down on another thread: wait for it
                Thread.sleep(60_000);
            });
        }

        @Test
        void secondDeathAssertionOfATest() {
            Deaths.assertExits(4, () -> Runtime.getRuntime().halt(4));
            Deaths.assertDiesBy(Signal.ABRT, () -> Signals.raise(Signal.ABRT));
        }

        @ParameterizedTest
        @ValueSource(ints = {5, 6})
        void eachInvocationItsOwnChild(int code) {
            Deaths.assertExits(code, () -> System.exit(code));
        }

        @Test
        void returnsInsteadOfDying() {
            Deaths.assertDiesBy(Signal.ABRT, () -> { });
        }

        @Test
        void throwsInsteadOfDying() {
            Deaths.assertDiesBy(Signal.ABRT, () -> {
                throw new IllegalStateException("boom");
            });
        }

        @Test
        void exitsWithTheStatusOfAnAbort() {
            Deaths.assertDiesBy(Signal.ABRT, () -> System.exit(134));
        }

        @Test
        void stderrDoesNotMatch() {
            Deaths.assertExits(3, "^FATAL", () -> {
                System.err.println("all is well");
                System.exit(3);
            });
        }
    }

    @BeforeAll
    static void runSamples() {
        run = NestedRun.of(Map.of(), selectClass(Samples.class));
    }

    private static void assertPassed(String sample) {
        TestExecutionResult r = run.result(sample);
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, r.getStatus(), sample + ": " + run.failure(sample));
    }

    private static String assertFailedWith(String sample, String expectedStart) {
        String failure = run.failure(sample);
        assertTrue(failure.startsWith("java.lang.AssertionError: " + expectedStart), sample + ": " + failure);
        return failure;
    }

    @Test
    void aBodyThatAbortsDiesByAbrt() {
        assertPassed("abortDies");
    }

    @Test
    void theChildRunsTheSetUpAndTheStderrPatternIsChecked() {
        assertPassed("exitsWithTheStatusSetUpBefore");
    }

    @Test
    void theJvmsOwnTermShutdownCountsAsDeathByTerm() {
        assertPassed("termHandledByTheJvmIsDeathByTerm");
    }

    @Test
    void theSecondDeathAssertionRunsItsOwnBodyNotTheFirst() {
        assertPassed("secondDeathAssertionOfATest");
    }

    @Test
    void eachParameterizedInvocationIsReRunByItsUniqueId() {
        assertPassed("eachInvocationItsOwnChild[1] 5");
        assertPassed("eachInvocationItsOwnChild[2] 6");
    }

    @Test
    void aBodyThatReturnsFailsNamingBothEnds() {
        assertFailedWith("returnsInsteadOfDying",
                "expected death by ABRT, got exit 0 after the body returned normally (stderr empty)");
    }

    @Test
    void aBodyThatThrowsFailsWithTheException() {
        String failure = assertFailedWith("throwsInsteadOfDying", "expected death by ABRT, got exit 1 after the"
                + " body threw java.lang.IllegalStateException: boom (stderr tail:");
        assertTrue(failure.contains("\tat io.sigbridge.junit.DeathsTest$Samples.lambda$throwsInsteadOfDying"), failure);
        assertTrue(failure.endsWith("\t... (the death assertion and JUnit))"), failure);
    }

    @Test
    void systemExit134IsNotDeathByAbrt() {
        assertFailedWith("exitsWithTheStatusOfAnAbort", "expected death by ABRT, got exit 134 (stderr empty)");
    }

    @Test
    void aStderrMismatchIsReportedWithTheTail() {
        assertFailedWith("stderrDoesNotMatch", "expected exit 3 with stderr matching /^FATAL/, got exit 3 but"
                + " stderr did not match (stderr tail:\nall is well)");
    }

    @Test
    void withoutTheListenerADeathAssertionSaysWhatIsMissing() {
        // The main suite runs without sigbridge's listener: there is no running test to re-run.
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Deaths.assertExits(0, () -> System.exit(0)));
        assertTrue(e.getMessage().contains("SigbridgeListener"), e.getMessage());
    }
}
