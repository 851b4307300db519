package io.sigbridge.internal.cli;

import static io.sigbridge.internal.cli.RunJar.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.testsupport.ChildProcess;

/**
 * The real-time signals in both modes (RunCommandTest sends them to a group,
 * RunDumbInitScenariosTest sends 1..31 in both): each one reaches a single child too; a value
 * sent with sigqueue goes on with it to a single child only, because a group can only be sent
 * a signal with kill (the README says so).
 */
@EnabledIfSystemProperty(named = "sigbridge.test.jar", matches = ".+", disabledReason = RunJar.NEEDS_JAR)
class RunRealtimeSignalsTest {
    @Test
    void everyRealtimeSignalReachesASingleChild() throws Exception {
        try (ChildProcess s = RunJar.start("--single-child", "--", probe(), "signals")) {
            s.awaitPid("ready");
            for (Signal rt : Signal.all()) {
                if (rt.isRealtime()) {
                    s.send(rt.number());
                    assertEquals(Integer.toString(rt.number()), s.nextLine(), rt.toString());
                }
            }
        }
    }

    /** RunCommandTest.aQueuedValueReachesASingleChild has the other half. */
    @Test
    void aGroupGetsAQueuedSignalWithoutItsValue() throws Exception {
        Signal rt = Signal.realtime(3);
        try (ChildProcess s = RunJar.start("--", probe(), "signals")) {
            s.awaitPid("ready");
            Signals.send(s.pid(), rt, 77);
            assertEquals(Integer.toString(rt.number()), s.nextLine(), "the signal, without its value");
        }
    }
}
