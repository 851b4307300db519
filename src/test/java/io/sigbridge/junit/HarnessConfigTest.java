package io.sigbridge.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.sigbridge.Signal;
import io.sigbridge.junit.internal.DumpFiles;
import io.sigbridge.junit.internal.HarnessConfig;

/** The parameters as the listener reads them: defaults, forms, and the errors that name them. */
class HarnessConfigTest {
    private static HarnessConfig read(Map<String, String> parameters) {
        return HarnessConfig.read(key -> Optional.ofNullable(parameters.get(key)));
    }

    private static String error(Map<String, String> parameters) {
        return assertThrows(IllegalArgumentException.class, () -> read(parameters)).getMessage();
    }

    @Test
    void everythingIsOffUnlessSetButHygieneReports() {
        HarnessConfig c = read(Map.of());
        assertEquals(Optional.empty(), c.dumpAfter());
        assertEquals(Optional.empty(), c.haltAfter());
        assertEquals(Optional.empty(), c.dumpSignal());
        assertFalse(c.dumpOnAbort());
        assertEquals(HarnessConfig.Hygiene.REPORT, c.hygiene());
        assertEquals(Path.of("target/sigbridge-dumps"), c.dumpDir());
        assertEquals(Duration.ofMinutes(5), c.deathTimeout());
    }

    @Test
    void anyDumpParameterTurnsTheAbortDumpOnUnlessSaidOtherwise() {
        assertTrue(read(Map.of(SigbridgeJUnit.DUMP_DIR, "build/dumps")).dumpOnAbort());
        assertTrue(read(Map.of(SigbridgeJUnit.HALT_AFTER, "10m")).dumpOnAbort());
        assertFalse(read(Map.of(SigbridgeJUnit.HALT_AFTER, "10m", SigbridgeJUnit.DUMP_ABORT, "false")).dumpOnAbort());
        assertTrue(read(Map.of(SigbridgeJUnit.DUMP_ABORT, "true")).dumpOnAbort());
    }

    @Test
    void durationsInEveryForm() {
        HarnessConfig c = read(Map.of(SigbridgeJUnit.DUMP_AFTER, "500ms", SigbridgeJUnit.HALT_AFTER, "PT2M",
                SigbridgeJUnit.DEATH_TIMEOUT, "1h"));
        assertEquals(Optional.of(Duration.ofMillis(500)), c.dumpAfter());
        assertEquals(Optional.of(Duration.ofMinutes(2)), c.haltAfter());
        assertEquals(Duration.ofHours(1), c.deathTimeout());
        assertEquals(Optional.of(Duration.ofSeconds(30)), read(Map.of(SigbridgeJUnit.DUMP_AFTER, " 30s ")).dumpAfter());
    }

    @Test
    void malformedValuesAreErrorsNamingTheParameter() {
        assertEquals("sigbridge.junit.dump.after=5x is not a positive duration (write 500ms, 30s, 5m, 1h or ISO-8601"
                + " such as PT5M)", error(Map.of(SigbridgeJUnit.DUMP_AFTER, "5x")));
        assertTrue(error(Map.of(SigbridgeJUnit.HALT_AFTER, "0s")).startsWith("sigbridge.junit.halt.after=0s"));
        assertTrue(error(Map.of(SigbridgeJUnit.HALT_AFTER, "-PT1M")).startsWith("sigbridge.junit.halt.after=-PT1M"));
        assertEquals("sigbridge.junit.hygiene=strict is not one of report, fail, off",
                error(Map.of(SigbridgeJUnit.HYGIENE, "strict")));
        assertEquals("sigbridge.junit.dump.abort=yes is neither true nor false",
                error(Map.of(SigbridgeJUnit.DUMP_ABORT, "yes")));
        assertEquals("the early-warning dump (10 min) must come before the halt (5 min)",
                error(Map.of(SigbridgeJUnit.DUMP_AFTER, "10m", SigbridgeJUnit.HALT_AFTER, "5m")));
    }

    @Test
    void theDumpSignalIsANameAndAbrtIsAlreadyCovered() {
        assertEquals(Optional.of(Signal.USR1), read(Map.of(SigbridgeJUnit.DUMP_SIGNAL, "SIGUSR1")).dumpSignal());
        assertEquals(Optional.of(Signal.realtime(2)), read(Map.of(SigbridgeJUnit.DUMP_SIGNAL, "RTMIN+2")).dumpSignal());
        assertEquals(Optional.empty(), read(Map.of(SigbridgeJUnit.DUMP_SIGNAL, "none")).dumpSignal());
        assertTrue(error(Map.of(SigbridgeJUnit.DUMP_SIGNAL, "USR9")).startsWith("sigbridge.junit.dump.signal=USR9: "));
        assertTrue(error(Map.of(SigbridgeJUnit.DUMP_SIGNAL, "ABRT")).contains("ABRT is dumped already"));
    }

    @Test
    void dumpFileNamesKeepTheTestsNameReadable() {
        String pid = Long.toString(ProcessHandle.current().pid());
        assertEquals("consumer.HungTest.waits(int)[2].halt." + pid + ".txt",
                DumpFiles.fileName("consumer.HungTest.waits(int)[2]", "halt"));
        assertEquals("consumer.Outer_Inner.a_b().abort." + pid + ".txt", DumpFiles.fileName("consumer.Outer$Inner.a/b()", "abort"));
    }
}
