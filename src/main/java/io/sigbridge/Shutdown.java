package io.sigbridge;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Graceful shutdown: on a trigger signal (TERM or INT by default), optionally wait, run named
 * phases one after another with a timeout each, then exit with a status of your choosing;
 * a deadline bounds the whole of it, and a second trigger forces the end.
 *
 * <pre>{@code
 * Registration r = Shutdown.builder()
 *     .delay(Duration.ofSeconds(5))                                   // load balancers catch up
 *     .phase("stop-accepting", Duration.ofSeconds(2), e -> server.stopAccepting())
 *     .phase("drain", Duration.ofSeconds(20), e -> server.awaitIdle())
 *     .phase("flush-logs", Duration.ofSeconds(2), e -> logs.flush())
 *     .deadline(Duration.ofSeconds(28))                                // delay, phases and hooks
 *     .exitStatus(0)
 *     .install();
 * }</pre>
 *
 * <h2>What happens, in order</h2>
 * <ol>
 * <li>A trigger arrives. sigbridge's handler runs on {@code sigbridge-dispatch}, records it and
 *     hands it to the thread {@code sigbridge-shutdown}, which {@link Builder#install()} started
 *     and which waits for nothing else; the dispatcher is free at once for the next signal.</li>
 * <li>{@code sigbridge-shutdown} waits out the {@linkplain Builder#delay delay}, counted from the
 *     signal's arrival, then runs the phases in the order they were added, each with the
 *     triggering {@link SignalEvent} (signal, sender pid and uid, arrival time).</li>
 * <li>A phase that throws is logged (which phase, after how long, the exception) and the next one
 *     runs. A phase still running at its timeout is logged, {@linkplain Thread#interrupt()
 *     interrupted} and abandoned: the next phase starts at once on a fresh thread
 *     ({@code sigbridge-shutdown-2}, ...), while the late one may go on running beside it (a
 *     phase that ignores interrupts gets no other ordering guarantee).</li>
 * <li>After the last phase, {@code System.exit(status)} on the phase thread: the status is
 *     {@link Builder#exitStatus} when every phase returned within its timeout, otherwise (and by
 *     default) 128+n, n the trigger's number (143 for TERM, 130 for INT), as the JVM's own
 *     handling would have given.</li>
 * <li>Then the JVM's shutdown hooks run, as with any {@code System.exit}: all at once, in no
 *     order. Phases exist to put steps in order; a hook still runs after all of them.</li>
 * <li>The {@linkplain Builder#deadline deadline} counts from the signal's arrival and covers the
 *     delay, the phases and the JVM's hooks: when it passes, every thread's stack goes to
 *     standard error (or the {@linkplain Builder#dumpTo file}), written as {@link FaultReporter}
 *     writes them, then {@link Runtime#halt} with status 124 (or the one given). Without a
 *     deadline nothing bounds a hung phase's successors or a hung hook.</li>
 * <li>A second trigger (the same signal or another trigger) at any point after the first:
 *     the stacks, then {@link Runtime#halt} with 128+n of that second signal, at once, without
 *     further phases or hooks. That includes during the JVM's shutdown hooks.</li>
 * </ol>
 *
 * <h2>Threads</h2>
 * Phases run on {@code sigbridge-shutdown} (and its replacements after a timeout), never on the
 * dispatcher, so a slow phase delays no signal. A watchdog thread,
 * {@code sigbridge-shutdown-watchdog}, started with it, keeps the timeouts and the deadline;
 * both are daemon threads that wait without using CPU until the trigger. From the trigger on, a
 * non-daemon thread, {@code sigbridge-shutdown-keepalive}, keeps the JVM from ending just
 * because {@code main} returned while the phases run (a phase that stops the server often lets
 * {@code main} return).
 *
 * <h2>What else a user meets</h2>
 * <ul>
 * <li>{@code System.exit} inside a phase: the JVM's hooks start at once and the status is the
 *     one passed; the remaining phases do not run; the deadline and a second trigger still
 *     work.</li>
 * <li>{@code System.exit} elsewhere (or a JVM exit for another reason) while the phases run:
 *     the JVM's hooks start at once, beside the remaining phases; a hook of this Shutdown keeps
 *     the JVM until the phases end (their timeouts and the deadline bound that), and the status
 *     is the one of that {@code System.exit}.</li>
 * <li>A trigger while the JVM is already exiting for another reason starts no phases (they would
 *     race the hooks): it starts the deadline, and a second trigger halts.</li>
 * <li>Other handlers of a trigger signal ({@link Signals#handle}, {@link FaultReporter}) still
 *     run on the dispatcher, in registration order. {@link Chain#PREVIOUS} on a trigger signal
 *     no longer runs the previous disposition while the Shutdown is installed: what follows the
 *     handlers is the Shutdown's exit. So {@code FaultReporter.enable(file, Signal.TERM)} writes
 *     its dump on TERM and the phases still run.</li>
 * <li>{@code sun.misc.Signal.handle} on a trigger signal replaces sigbridge's handler: the
 *     Shutdown then never sees that signal.</li>
 * <li>{@code -Xrs} changes nothing while the Shutdown is installed (sigbridge catches the
 *     triggers; {@code System.exit} still runs the hooks); after {@code close()}, a TERM ends
 *     the process by the default action again, without hooks.</li>
 * <li>Before the first line of {@code main} (class loading, static initialisers) nothing of
 *     this is installed: a TERM then gets the JVM's own handling. Use {@link #installEarly()} on
 *     the first line to hold triggers until the phases are known.</li>
 * </ul>
 *
 * <h2>Windows</h2>
 * The default triggers TERM and INT take every console event that maps to them: CTRL_C (INT),
 * CTRL_CLOSE, CTRL_LOGOFF and CTRL_SHUTDOWN (TERM), and any other source sigbridge delivers to
 * TERM handlers. Windows ends the process as soon as the console routine returns from
 * CTRL_CLOSE, CTRL_LOGOFF or CTRL_SHUTDOWN, and about 5 s after CTRL_CLOSE in any case; the
 * routine waits for the handlers at most {@code -Dsigbridge.console.grace} (4000 ms by default,
 * at most 4500). For these events the Shutdown therefore skips the delay, holds the routine
 * until the process ends, and caps the deadline at that grace less 250 ms, so the dump and halt
 * come before Windows ends the process: the phases and hooks must fit in about 4 s. A second
 * CTRL_C during such a shutdown waits behind it. CTRL_BREAK is a trigger only when asked for
 * ({@code on(Signal.BREAK)}), since it is the JVM's thread dump otherwise.
 *
 * <p>One Shutdown per process: a second {@code install} (or {@code installEarly}) while one is
 * installed throws {@link IllegalStateException} naming where the first was installed.
 * Closing the {@link Registration} before a trigger came puts back exactly what was there
 * (the JVM's own TERM handling: hooks, exit 143); closing it once the shutdown has begun
 * changes nothing.
 */
public final class Shutdown {
    /** The status {@link Runtime#halt} ends the process with when the deadline passes. */
    public static final int DEFAULT_DEADLINE_STATUS = 124;

    private Shutdown() {}

    /** {@return a builder with the default triggers TERM and INT, no delay, no phases, no deadline} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * For the first line of {@code main}: from here on a TERM or INT does not end the JVM
     * half-started but is held, and acted on as soon as {@link Builder#install()} installs the
     * phases (the deadline and delay still count from its arrival). A second trigger while one is
     * held dumps the stacks and halts with 128+n, so a repeated Ctrl-C still ends a start-up that
     * hangs. {@code install()} takes the held registrations over without a gap.
     *
     * @return a registration; closing it before {@code install()} puts back what was there, and a
     *     held signal is then raised again, so it gets that disposition (for TERM, the JVM's
     *     exit 143); after {@code install()} closing it does nothing
     * @throws IllegalStateException when a Shutdown is already installed
     */
    public static Registration installEarly() {
        return installEarly(Signal.TERM, Signal.INT);
    }

    /**
     * Like {@link #installEarly()} for other triggers. A held signal that the later
     * {@code install()} does not trigger on is raised again once its registration is closed.
     *
     * @param triggers the signals to hold
     * @return a registration, as for {@link #installEarly()}
     * @throws ReservedSignalException when one of them cannot be handled here
     * @throws IllegalArgumentException for none, or ABRT (the process ends when its handler
     *     returns: see {@link FaultReporter})
     */
    public static Registration installEarly(Signal... triggers) {
        return ShutdownController.installEarly(ShutdownController.checkTriggers(triggers));
    }

    /** One step of a shutdown. */
    @FunctionalInterface
    public interface Phase {
        /**
         * Runs on {@code sigbridge-shutdown} (or, after an earlier phase's timeout, on a
         * replacement thread); interrupted when its timeout passes.
         *
         * @param event the signal that started the shutdown
         * @throws Exception anything: it is logged and the next phase runs
         */
        void run(SignalEvent event) throws Exception;
    }

    /** The configuration of a {@link Shutdown}; {@link #install()} makes it act. Not thread-safe. */
    public static final class Builder {
        private List<Signal> triggers = List.of(Signal.TERM, Signal.INT);
        private Duration delay = Duration.ZERO;
        private final List<ShutdownController.PhaseSpec> phases = new ArrayList<>();
        private Duration deadline;
        private int deadlineStatus = DEFAULT_DEADLINE_STATUS;
        private Integer exitStatus;
        private Path dumpFile;

        private Builder() {}

        /**
         * The signals that start the shutdown, instead of TERM and INT.
         *
         * @param signals one or more signals
         * @return this builder
         */
        public Builder on(Signal... signals) {
            Objects.requireNonNull(signals, "signals");
            if (signals.length == 0) {
                throw new IllegalArgumentException("a Shutdown needs at least one trigger signal");
            }
            triggers = List.copyOf(Arrays.asList(signals));
            return this;
        }

        /**
         * How long to wait after the signal arrived before the first phase, so that load
         * balancers stop sending new requests first. Skipped on Windows for CTRL_CLOSE,
         * CTRL_LOGOFF and CTRL_SHUTDOWN.
         *
         * @param delay zero or more, less than the deadline
         * @return this builder
         */
        public Builder delay(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("the delay cannot be negative: " + delay);
            }
            this.delay = delay;
            return this;
        }

        /**
         * Adds a phase after those added before.
         *
         * @param name for the logs, unique in this Shutdown
         * @param timeout how long it may run, positive
         * @param phase what it does
         * @return this builder
         */
        public Builder phase(String name, Duration timeout, Phase phase) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(phase, "phase");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a phase needs a name for the logs");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("phase '" + name + "': the timeout must be"
                        + " positive, not " + timeout);
            }
            for (ShutdownController.PhaseSpec p : phases) {
                if (p.name.equals(name)) {
                    throw new IllegalArgumentException("there is already a phase named '" + name + "'");
                }
            }
            phases.add(new ShutdownController.PhaseSpec(name, timeout, phase));
            return this;
        }

        /**
         * The longest the whole shutdown may take, from the signal's arrival: delay, phases and
         * the JVM's hooks. When it passes: every thread's stack, then {@link Runtime#halt} with
         * {@link #DEFAULT_DEADLINE_STATUS}. Keep it below what the sender allows before its KILL
         * (in Kubernetes: {@code terminationGracePeriodSeconds}, less any preStop hook).
         *
         * @param deadline positive
         * @return this builder
         */
        public Builder deadline(Duration deadline) {
            return deadline(deadline, DEFAULT_DEADLINE_STATUS);
        }

        /**
         * Like {@link #deadline(Duration)}, halting with {@code haltStatus}.
         *
         * @param deadline positive
         * @param haltStatus the exit status when the deadline passes, 0 to 255
         * @return this builder
         */
        public Builder deadline(Duration deadline, int haltStatus) {
            Objects.requireNonNull(deadline, "deadline");
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("the deadline must be positive, not " + deadline);
            }
            this.deadline = deadline;
            this.deadlineStatus = checkStatus(haltStatus, "the deadline's halt status");
            return this;
        }

        /**
         * The exit status after every phase returned within its timeout without throwing;
         * otherwise, and without this call, it is 128+n for trigger signal n.
         *
         * @param status 0 to 255
         * @return this builder
         */
        public Builder exitStatus(int status) {
            this.exitStatus = checkStatus(status, "the exit status");
            return this;
        }

        /**
         * Where the stacks go when the deadline passes or a second trigger comes: appended to
         * this file (one line on standard error names it), instead of standard error.
         *
         * @param file the dump file, created if needed
         * @return this builder
         */
        public Builder dumpTo(Path file) {
            this.dumpFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Installs the triggers and starts the waiting threads; a trigger held by
         * {@link #installEarly()} starts the shutdown now.
         *
         * @return the registration; closing it before a trigger puts back what was there
         * @throws IllegalStateException when a Shutdown is already installed in this process
         * @throws ReservedSignalException when a trigger cannot be handled here
         * @throws IllegalArgumentException for ABRT as a trigger, or a delay not below the
         *     deadline
         * @throws UnsupportedOperationException for a trigger this platform does not have
         */
        public Registration install() {
            List<Signal> checked = ShutdownController.checkTriggers(triggers.toArray(new Signal[0]));
            if (deadline != null && delay.compareTo(deadline) >= 0) {
                throw new IllegalArgumentException("the delay (" + delay + ") must be shorter than"
                        + " the deadline (" + deadline + "), which counts from the same signal");
            }
            return ShutdownController.install(new ShutdownController.Plan(checked, delay,
                    List.copyOf(phases), deadline, deadlineStatus, exitStatus, dumpFile));
        }

        private static int checkStatus(int status, String what) {
            if (status < 0 || status > 255) {
                throw new IllegalArgumentException(what + " must be 0 to 255 (a process's exit"
                        + " status is one byte on POSIX), not " + status);
            }
            return status;
        }
    }
}
