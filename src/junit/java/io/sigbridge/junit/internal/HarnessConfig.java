package io.sigbridge.junit.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import io.sigbridge.Signal;
import io.sigbridge.junit.SigbridgeJUnit;

/** The harness's configuration parameters, read and checked once. */
public final class HarnessConfig {
    /** {@link SigbridgeJUnit#HYGIENE}. */
    public enum Hygiene {
        REPORT, FAIL, OFF
    }

    private final Optional<Duration> dumpAfter;
    private final Optional<Duration> haltAfter;
    private final Path dumpDir;
    private final Optional<Signal> dumpSignal;
    private final boolean dumpOnAbort;
    private final Hygiene hygiene;
    private final Duration deathTimeout;

    private HarnessConfig(Function<String, Optional<String>> parameters) {
        dumpAfter = parameters.apply(SigbridgeJUnit.DUMP_AFTER)
                .map(v -> Durations.parse(SigbridgeJUnit.DUMP_AFTER, v));
        haltAfter = parameters.apply(SigbridgeJUnit.HALT_AFTER)
                .map(v -> Durations.parse(SigbridgeJUnit.HALT_AFTER, v));
        checkOrder(dumpAfter, haltAfter);
        Optional<String> dir = parameters.apply(SigbridgeJUnit.DUMP_DIR).map(String::trim);
        dumpDir = Path.of(dir.orElse(SigbridgeJUnit.DEFAULT_DUMP_DIR));
        dumpSignal = parameters.apply(SigbridgeJUnit.DUMP_SIGNAL).map(String::trim)
                .filter(v -> !v.isEmpty() && !v.equalsIgnoreCase("none")).map(HarnessConfig::signal);
        boolean anyDump = dumpAfter.isPresent() || haltAfter.isPresent() || dir.isPresent()
                || dumpSignal.isPresent();
        dumpOnAbort = parameters.apply(SigbridgeJUnit.DUMP_ABORT)
                .map(v -> bool(SigbridgeJUnit.DUMP_ABORT, v)).orElse(anyDump);
        hygiene = parameters.apply(SigbridgeJUnit.HYGIENE).map(HarnessConfig::hygiene).orElse(Hygiene.REPORT);
        deathTimeout = Durations.parse(SigbridgeJUnit.DEATH_TIMEOUT, parameters.apply(
                SigbridgeJUnit.DEATH_TIMEOUT).orElse(SigbridgeJUnit.DEFAULT_DEATH_TIMEOUT));
    }

    /**
     * Reads the parameters from {@code parameters} (a configuration parameter lookup).
     *
     * @throws IllegalArgumentException naming the first malformed parameter
     */
    public static HarnessConfig read(Function<String, Optional<String>> parameters) {
        return new HarnessConfig(parameters);
    }

    /** Checks that an early-warning dump comes before the halt it warns of. */
    public static void checkOrder(Optional<Duration> dumpAfter, Optional<Duration> haltAfter) {
        if (dumpAfter.isPresent() && haltAfter.isPresent() && dumpAfter.get().compareTo(haltAfter.get()) >= 0) {
            throw new IllegalArgumentException("the early-warning dump (" + Durations.describe(dumpAfter.get())
                    + ") must come before the halt (" + Durations.describe(haltAfter.get()) + ")");
        }
    }

    private static Signal signal(String name) {
        Signal s;
        try {
            s = Signal.named(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SigbridgeJUnit.DUMP_SIGNAL + "=" + name + ": " + e.getMessage(), e);
        }
        if (s.equals(Signal.ABRT)) {
            throw new IllegalArgumentException(SigbridgeJUnit.DUMP_SIGNAL + "=" + name + ": ABRT is dumped"
                    + " already (" + SigbridgeJUnit.DUMP_ABORT + "); choose USR1, WINCH or a real-time signal");
        }
        return s;
    }

    private static boolean bool(String parameter, String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new IllegalArgumentException(parameter + "=" + value + " is neither true nor false");
        }
    }

    private static Hygiene hygiene(String value) {
        try {
            return Hygiene.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SigbridgeJUnit.HYGIENE + "=" + value
                    + " is not one of report, fail, off", e);
        }
    }

    public Optional<Duration> dumpAfter() {
        return dumpAfter;
    }

    public Optional<Duration> haltAfter() {
        return haltAfter;
    }

    public Path dumpDir() {
        return dumpDir;
    }

    public Optional<Signal> dumpSignal() {
        return dumpSignal;
    }

    public boolean dumpOnAbort() {
        return dumpOnAbort;
    }

    public Hygiene hygiene() {
        return hygiene;
    }

    public Duration deathTimeout() {
        return deathTimeout;
    }
}
