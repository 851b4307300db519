package io.sigbridge.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sigbridge.Signal;
import io.sigbridge.TestProcesses;
import io.sigbridge.testsupport.ChildProcess;

/**
 * A ring of 8 and a handler of about 1 ms, flooded from another process: deliveries fold, and
 * the accounting still adds up exactly: invocations == delivered + coalesced, and the events the
 * handler received stand for every invocation.
 */
class RingFloodChildTest {
    private static final int BURST = 5000;

    @Test
    void smallRingAndSlowHandlerFoldButLoseNothing() throws Exception {
        Signal rt = Signal.realtime(3);
        try (ChildProcess child = ChildProcess.jvm(FloodChild.class)
                .jvmOptions("-Dsigbridge.ring.size=8")
                .args(rt.name(), "USR1")
                .start()) {
            assertEquals(Integer.toString(rt.number()),
                    ChildProcess.fields(child.firstLine("HANDLING " + rt.name())).get("number"));

            // Real-time signals are queued, never merged: the child must count exactly BURST.
            ChildProcess.Ran burst = child.run(TestProcesses.helper().toString(), "burst", Long.toString(child.pid()),
                    Integer.toString(rt.number()), Integer.toString(BURST));
            assertTrue(burst.output.startsWith("sent " + BURST), burst.output);
            System.out.println("helper: " + burst.output.trim());
            child.tell("quiesce " + rt.name() + " " + BURST);
            Map<String, String> rtStats = ChildProcess.fields(child.firstLine("STATS signal=" + rt.name()));
            assertBalanced(rtStats, child);
            assertTrue(Long.parseLong(rtStats.get("coalesced")) > 0,
                    "5000 queued signals against a ring of 8 and a 1 ms handler fold: " + rtStats);
            assertEquals(Integer.toString(BURST), rtStats.get("invocations"), "every queued signal was caught");

            // A standard signal merges in the kernel while pending, so the count is whatever arrived.
            ChildProcess.Ran flood = child.run(TestProcesses.helper().toString(), "flood", Long.toString(child.pid()),
                    Integer.toString(Signal.USR1.number()), "300");
            assertTrue(flood.output.startsWith("sent "), flood.output);
            System.out.println("helper: " + flood.output.trim());
            child.tell("quiesce USR1 -1");
            // How many of them got through the kernel depends on scheduling: only the balance is exact.
            assertBalanced(ChildProcess.fields(child.firstLine("STATS signal=USR1")), child);

            child.tell("exit");
            assertEquals(0, child.awaitExit(), child.describe());
        }
    }

    private static void assertBalanced(Map<String, String> s, ChildProcess child) {
        System.out.println("FloodChild: " + s);
        long invocations = Long.parseLong(s.get("invocations"));
        long delivered = Long.parseLong(s.get("delivered"));
        long coalesced = Long.parseLong(s.get("coalesced"));
        String context = s + "\n" + child.describe();
        assertEquals("true", s.get("atRest"), "the accounting came to rest: " + context);
        assertEquals(invocations, delivered + coalesced, "invocations == delivered + coalesced: " + context);
        assertEquals(delivered, Long.parseLong(s.get("events")), "the handler got every delivered event: " + context);
        assertEquals(invocations, Long.parseLong(s.get("represented")),
                "sum of (1 + coalesced()) over the events == invocations: " + context);
        assertEquals("0", s.get("badSequence"), "event sequence numbers only grow: " + context);
    }
}
