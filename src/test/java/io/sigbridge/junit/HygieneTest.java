package io.sigbridge.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;

import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.internal.introspect.Dispositions;
import io.sigbridge.internal.introspect.LiveRegistrations;

/**
 * Signal hygiene: real registrations left open by sample tests, a real foreign sigaction behind
 * sigbridge's back, read back with sigaction by the listener and the extension.
 */
class HygieneTest {
    static class Leaky {
        static Registration leaked;

        @Test
        void leaksUsr1() {
            leaked = Signals.handle(Signal.USR1, e -> { });
        }

        @Test
        void closesItsRegistration() {
            try (Registration r = Signals.handle(Signal.USR1, e -> { })) {
                assertTrue(r.isActive());
            }
        }
    }

    @SignalHygiene
    static class Strict {
        @Test
        void leaksWinch() {
            Signals.handle(Signal.WINCH, e -> { });
        }

        @Test
        void clean() {
            try (Registration r = Signals.handle(Signal.WINCH, e -> { })) {
                assertTrue(r.isActive());
            }
        }
    }

    static class Foreign {
        @Test
        void ignoresWinchBehindSigbridgesBack() throws ReflectiveOperationException {
            sunMiscHandle("WINCH", "SIG_IGN");
        }
    }

    @BeforeAll
    static void sigbridgeInstalledSomethingBefore() {
        // Dispositions are compared once sigbridge's library is in use: it is, in a real run.
        Signals.handle(Signal.WINCH, e -> { }).close();
    }

    @AfterEach
    void cleanUp() throws ReflectiveOperationException {
        if (Leaky.leaked != null) {
            Leaky.leaked.close();
            Leaky.leaked = null;
        }
        sunMiscHandle("WINCH", "SIG_DFL");
    }

    /** sun.misc.Signal.handle(new Signal(name), SignalHandler.SIG_xxx), by reflection (-Werror). */
    static void sunMiscHandle(String signal, String disposition) throws ReflectiveOperationException {
        Class<?> signalClass = Class.forName("sun.misc.Signal");
        Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
        signalClass.getMethod("handle", signalClass, handlerClass).invoke(null,
                signalClass.getConstructor(String.class).newInstance(signal), handlerClass.getField(disposition).get(null));
    }

    private static List<String> about(List<String> reports, String test) {
        return reports.stream().filter(r -> r.contains(test)).collect(Collectors.toList());
    }

    @Test
    void aLeakedRegistrationIsReportedOnceWithWhereItWasOpened() {
        NestedRun run = NestedRun.of(Map.of(), selectClass(Leaky.class));
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.result("leaksUsr1").getStatus());
        assertEquals(1, run.reports().size(), "one report, not again for the class and the engine: " + run.reports());
        String report = run.reports().get(0);
        assertTrue(report.startsWith("io.sigbridge.junit.HygieneTest$Leaky.leaksUsr1() left 1 sigbridge"
                + " registration open:\n  Registration[SIGUSR1(10)], opened on thread \""), report);
        assertTrue(report.contains("\" at io.sigbridge.junit.HygieneTest$Leaky.leaksUsr1(HygieneTest.java:"), report);
        assertTrue(Leaky.leaked.isActive(), "report mode leaves the registration as the test left it");
        assertTrue(about(run.reports(), "closesItsRegistration").isEmpty(), run.reports().toString());
    }

    @Test
    void failModeWithoutTheExtensionClosesTheLeakAndSaysHowToFail() {
        NestedRun run = NestedRun.of(Map.of(SigbridgeJUnit.HYGIENE, "fail"), selectMethod(Leaky.class, "leaksUsr1"));
        String report = run.reports().get(0);
        assertTrue(report.contains("(closed now; to fail the test, let SignalHygieneExtension run"), report);
        assertFalse(Leaky.leaked.isActive(), "closed by the listener");
        assertTrue(LiveRegistrations.snapshot().keySet().stream().noneMatch(r -> r.signal().equals(Signal.USR1)));
    }

    @Test
    void theExtensionFailsTheTestClosesTheLeakAndTheDispositionIsBack() {
        String before = Dispositions.snapshotIfLoaded().orElseThrow().get(Signal.WINCH.number()).toString();
        NestedRun run = NestedRun.of(Map.of(), selectClass(Strict.class));
        String failure = run.failure("leaksWinch");
        assertTrue(failure.startsWith("java.lang.AssertionError: io.sigbridge.junit.HygieneTest$Strict.leaksWinch()"
                + " left 1 sigbridge registration open:\n  Registration[SIGWINCH(28)], opened on thread"), failure);
        assertTrue(failure.contains("(closed now: the dispositions are back to before the test)"), failure);
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.result("clean").getStatus(), run.failure("clean"));
        assertTrue(run.reports().isEmpty(), "nothing left for the listener to report: " + run.reports());
        assertEquals("default", before);
        assertEquals(before, Dispositions.snapshotIfLoaded().orElseThrow().get(Signal.WINCH.number()).toString());
    }

    @Test
    void aDispositionChangedBehindSigbridgesBackIsReported() {
        NestedRun run = NestedRun.of(Map.of(), selectClass(Foreign.class));
        assertEquals(List.of("io.sigbridge.junit.HygieneTest$Foreign.ignoresWinchBehindSigbridgesBack() changed the"
                + " disposition of SIGWINCH(28): default before the test, ignored now"), run.reports());
    }

    @Test
    void hygieneOffReportsNothing() {
        NestedRun run = NestedRun.of(Map.of(SigbridgeJUnit.HYGIENE, "off"), selectMethod(Leaky.class, "leaksUsr1"));
        assertTrue(run.reports().isEmpty(), run.reports().toString());
    }
}
