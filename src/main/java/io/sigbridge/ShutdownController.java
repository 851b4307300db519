package io.sigbridge;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import io.sigbridge.internal.ThreadDumps;

/**
 * The machinery behind {@link Shutdown}: the one installed instance, its trigger registrations,
 * the phase thread, the watchdog (timeouts, deadline) and the JVM shutdown hook that keeps the
 * JVM while phases run. All state is guarded by {@link #LOCK}; the trigger handler runs on the
 * dispatcher and only changes state and wakes the threads, except for a second trigger, which
 * dumps and halts there.
 */
final class ShutdownController {
    private static final System.Logger LOG = System.getLogger("io.sigbridge");
    private static final Object LOCK = new Object();
    /** Leaves the dump and halt time before Windows ends the process after CTRL_CLOSE. */
    private static final long CONSOLE_MARGIN_MILLIS = 250;
    private static ShutdownController current;

    private enum Stage {
        /** installEarly: triggers held, no phases yet. */
        EARLY,
        /** installed, waiting for a trigger. */
        ARMED,
        /** a trigger came: delay and phases. */
        RUNNING,
        /** the phases are done and System.exit was called: the JVM's hooks run. */
        EXITING,
        /** a trigger came while the JVM was exiting for another reason: only the deadline. */
        JVM_EXITING,
        CLOSED
    }

    static final class PhaseSpec {
        final String name;
        final Duration timeout;
        final Shutdown.Phase action;

        PhaseSpec(String name, Duration timeout, Shutdown.Phase action) {
            this.name = name;
            this.timeout = timeout;
            this.action = action;
        }
    }

    /** What {@link Shutdown.Builder} configured. */
    static final class Plan {
        final List<Signal> triggers;
        final Duration delay;
        final List<PhaseSpec> phases;
        final Duration deadline; // null: none
        final int deadlineStatus;
        final Integer exitStatus; // null: 128+n
        final Path dumpFile; // null: standard error

        Plan(List<Signal> triggers, Duration delay, List<PhaseSpec> phases, Duration deadline,
                int deadlineStatus, Integer exitStatus, Path dumpFile) {
            this.triggers = triggers;
            this.delay = delay;
            this.phases = phases;
            this.deadline = deadline;
            this.deadlineStatus = deadlineStatus;
            this.exitStatus = exitStatus;
            this.dumpFile = dumpFile;
        }
    }

    /** One run of one phase; RUNNING ends once, by the phase's thread or by the watchdog. */
    private static final class Attempt {
        final int index;
        final Thread thread;
        final long started;
        boolean running = true;

        Attempt(int index, Thread thread, long started) {
            this.index = index;
            this.thread = thread;
            this.started = started;
        }
    }

    private final Map<Signal, Registration> triggers = new LinkedHashMap<>();
    private final Throwable installedAt;
    private Stage stage;
    private Plan plan;
    private boolean adopted;
    private SignalEvent first;
    private long firstNanos;
    private boolean hasDeadline;
    private long deadlineNanos;
    private long phasesStartNanos;
    private Attempt attempt;
    private int failed;
    private int runners;
    private boolean phasesStopped;
    private boolean phasesDone;
    private Thread hook;

    private ShutdownController(Stage stage, String how) {
        this.stage = stage;
        this.installedAt = new Throwable("the Shutdown in place was " + how + " here");
    }

    static List<Signal> checkTriggers(Signal[] signals) {
        Objects.requireNonNull(signals, "triggers");
        if (signals.length == 0) {
            throw new IllegalArgumentException("a Shutdown needs at least one trigger signal");
        }
        Set<Signal> set = new LinkedHashSet<>();
        for (Signal s : signals) {
            Objects.requireNonNull(s, "a trigger signal is null");
            s.number(); // a constant of another platform fails here, naming it
            if (s.name().equals("ABRT")) {
                throw new IllegalArgumentException("SIGABRT cannot start a graceful shutdown: the"
                        + " process ends as soon as its handler returns (use FaultReporter.enable"
                        + " for a report on abort)");
            }
            Policy.checkHandleable(s);
            set.add(s);
        }
        return List.copyOf(set);
    }

    // ---------------------------------------------------------------- install and close

    static Registration installEarly(List<Signal> signals) {
        synchronized (LOCK) {
            refuseIfInstalled("installEarly");
            ShutdownController c = new ShutdownController(Stage.EARLY, "installed early");
            c.register(signals);
            current = c;
            return c.new EarlyRegistration();
        }
    }

    static Registration install(Plan plan) {
        SignalEvent reRaise = null;
        Registration result;
        synchronized (LOCK) {
            ShutdownController c = current;
            if (c != null && (c.stage != Stage.EARLY || c.adopted)) {
                refuseIfInstalled("install");
            }
            if (c == null) {
                c = new ShutdownController(Stage.ARMED, "installed");
                c.register(plan.triggers);
            } else {
                reRaise = c.adopt(plan.triggers);
            }
            c.plan = plan;
            current = c;
            try {
                c.start();
            } catch (RuntimeException | Error e) {
                c.closeLocked();
                throw e;
            }
            result = c.new Installed();
            SignalEvent held = c.first;
            c.stage = Stage.ARMED;
            if (held != null) {
                c.begin(held, "held since start-up, " + millis(System.nanoTime() - held.nanoTime()) + " ago");
            }
        }
        if (reRaise != null) {
            handBack(reRaise, "was held, and install() does not trigger on it");
        }
        return result;
    }

    private static void refuseIfInstalled(String what) {
        ShutdownController c = current;
        if (c == null) {
            return;
        }
        String state = c.stage == Stage.EARLY ? "installed early (Shutdown.installEarly)"
                : c.stage == Stage.ARMED ? "installed" : "shutting down";
        throw new IllegalStateException("cannot " + what + " a Shutdown: one is already " + state
                + " in this process (one per process; close the Registration it returned to"
                + " install another)", c.installedAt);
    }

    /** All or nothing: on a failure the triggers registered so far are closed again. */
    private void register(List<Signal> signals) {
        List<Signal> added = new ArrayList<>();
        try {
            for (Signal s : signals) {
                if (!triggers.containsKey(s)) {
                    triggers.put(s, Signals.handle(s, this::onTrigger));
                    added.add(s);
                }
            }
        } catch (RuntimeException e) {
            for (Signal s : added) {
                triggers.remove(s).close();
            }
            throw e;
        }
    }

    /** install() after installEarly(): keep the registrations both want, so there is no gap. */
    private SignalEvent adopt(List<Signal> wanted) {
        register(wanted);
        adopted = true;
        SignalEvent reRaise = null;
        for (Signal s : new ArrayList<>(triggers.keySet())) {
            if (!wanted.contains(s)) {
                triggers.remove(s).close();
                if (first != null && first.signal().equals(s)) {
                    reRaise = first;
                    first = null;
                }
            }
        }
        return reRaise;
    }

    /** Threads, the JVM hook and the Chain.PREVIOUS takeover: everything that waits for a trigger. */
    private void start() {
        for (Signal s : triggers.keySet()) {
            Dispatcher.get().setShutdownOwned(s, true);
        }
        Thread runner = new Thread(this::runnerMain, "sigbridge-shutdown");
        runner.setDaemon(true);
        runner.start();
        Thread watchdog = new Thread(this::watchdogMain, "sigbridge-shutdown-watchdog");
        watchdog.setDaemon(true);
        watchdog.setPriority(Thread.MAX_PRIORITY);
        watchdog.start();
        hook = new Thread(this::jvmHook, "sigbridge-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The EARLY or ARMED stage ends: everything of this Shutdown goes, what was there is back. */
    private void closeLocked() {
        stage = Stage.CLOSED;
        current = null;
        for (Registration r : triggers.values()) {
            r.close();
        }
        if (plan != null) {
            for (Signal s : triggers.keySet()) {
                Dispatcher.get().setShutdownOwned(s, false);
            }
        }
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook sees CLOSED and does nothing
            }
        }
        LOCK.notifyAll();
    }

    /** A signal this Shutdown took but will not act on gets the disposition that is back. */
    private static void handBack(SignalEvent event, String why) {
        LOG.log(Level.INFO, "shutdown: " + describe(event) + " " + why + "; raising it again for"
                + " the disposition that is back");
        Signals.raise(event.signal());
    }

    final class EarlyRegistration implements Registration {
        @Override
        public Signal signal() {
            return triggers.keySet().iterator().next();
        }

        @Override
        public boolean isActive() {
            synchronized (LOCK) {
                return current == ShutdownController.this && stage == Stage.EARLY && !adopted;
            }
        }

        @Override
        public void close() {
            SignalEvent held;
            synchronized (LOCK) {
                if (current != ShutdownController.this || stage != Stage.EARLY || adopted) {
                    return;
                }
                held = first;
                closeLocked();
            }
            if (held != null) {
                handBack(held, "was held, and the early registration closed");
            }
        }

        @Override
        public String toString() {
            return "Shutdown.installEarly" + triggers.keySet() + (isActive() ? "" : ", inactive");
        }
    }

    final class Installed implements Registration {
        @Override
        public Signal signal() {
            return plan.triggers.get(0);
        }

        @Override
        public boolean isActive() {
            synchronized (LOCK) {
                return current == ShutdownController.this;
            }
        }

        @Override
        public void close() {
            synchronized (LOCK) {
                if (current != ShutdownController.this) {
                    return;
                }
                if (stage != Stage.ARMED) {
                    LOG.log(Level.INFO, "shutdown: close() after " + describe(first)
                            + " started the shutdown changes nothing; it goes on");
                    return;
                }
                closeLocked();
            }
        }

        @Override
        public String toString() {
            return "Shutdown" + plan.triggers + (isActive() ? "" : ", closed");
        }
    }

    // ---------------------------------------------------------------- the trigger

    /** On the dispatcher thread, for every delivery of a trigger. */
    private void onTrigger(SignalEvent event) {
        String force = null;
        boolean handBack = false;
        synchronized (LOCK) {
            switch (stage) {
                case EARLY:
                    if (first == null) {
                        first = event;
                        LOG.log(Level.INFO, "shutdown: " + describe(event) + " came during"
                                + " start-up; held until the phases are installed");
                    } else {
                        force = "start-up, with " + describe(first) + " held "
                                + millis(System.nanoTime() - first.nanoTime()) + " ago";
                    }
                    break;
                case ARMED:
                    if (jvmExiting()) {
                        stage = Stage.JVM_EXITING;
                        first = event;
                        firstNanos = Math.min(event.nanoTime(), System.nanoTime());
                        setDeadline(event);
                        duringExit(describe(event) + " while the JVM is already exiting: no phases; "
                                + (hasDeadline ? "the deadline holds, " : "") + "a second trigger halts");
                        LOCK.notifyAll();
                    } else {
                        begin(event, null);
                    }
                    break;
                case CLOSED:
                    handBack = true;
                    break;
                default:
                    force = whereNow();
                    break;
            }
        }
        if (force != null) {
            forceHalt(event, force);
        }
        if (handBack) {
            handBack(event, "came as the Shutdown closed");
        }
        if (closesConsole(event)) {
            // Windows ends the process once the console routine returns: keep it waiting (it
            // gives up after its grace) while the phases and the exit run.
            try {
                Thread.sleep(consoleGraceMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void begin(SignalEvent event, String note) {
        stage = Stage.RUNNING;
        first = event;
        firstNanos = Math.min(event.nanoTime(), System.nanoTime());
        setDeadline(event);
        phasesStartNanos = firstNanos + (closesConsole(event) ? 0 : plan.delay.toNanos());
        Thread keepAlive = new Thread(() -> {
            for (;;) {
                LockSupport.park();
            }
        }, "sigbridge-shutdown-keepalive");
        keepAlive.setDaemon(false);
        keepAlive.start();
        LOCK.notifyAll();
        StringBuilder b = new StringBuilder("shutdown: ").append(describe(event));
        if (note != null) {
            b.append(" (").append(note).append(')');
        }
        b.append("; ");
        long delay = phasesStartNanos - firstNanos;
        if (delay > 0) {
            b.append("waiting ").append(format(plan.delay)).append(", then ");
        }
        b.append(plan.phases.size()).append(plan.phases.size() == 1 ? " phase" : " phases");
        if (!plan.phases.isEmpty()) {
            b.append(": ").append(plan.phases.stream().map(p -> p.name).collect(Collectors.joining(", ")));
        }
        b.append(hasDeadline ? "; deadline " + format(Duration.ofNanos(deadlineNanos - firstNanos))
                : "; no deadline");
        LOG.log(Level.INFO, b.toString());
    }

    private void setDeadline(SignalEvent event) {
        long nanos = plan != null && plan.deadline != null ? plan.deadline.toNanos() : Long.MAX_VALUE;
        if (closesConsole(event)) {
            nanos = Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(
                    Math.max(0, consoleGraceMillis() - CONSOLE_MARGIN_MILLIS)));
        }
        hasDeadline = nanos != Long.MAX_VALUE;
        deadlineNanos = firstNanos + (hasDeadline ? nanos : 0);
    }

    /** Whether the JVM's shutdown has begun (ApplicationShutdownHooks then refuses new hooks). */
    private static boolean jvmExiting() {
        Thread probe = new Thread(() -> { }, "sigbridge-shutdown-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** For the dump's header: how far the shutdown got. Under LOCK. */
    private String whereNow() {
        String since = describe(first) + " " + millis(System.nanoTime() - firstNanos) + " ago";
        switch (stage) {
            case RUNNING:
                if (attempt != null) {
                    return since + ", phase '" + plan.phases.get(attempt.index).name + "' running for "
                            + millis(System.nanoTime() - attempt.started);
                }
                return since + (System.nanoTime() - phasesStartNanos < 0 ? ", in the delay" : ", between phases");
            case EXITING:
                return since + ", the phases done, in the JVM's shutdown hooks";
            case JVM_EXITING:
                return since + ", which came while the JVM was already exiting";
            default:
                return since;
        }
    }

    private void forceHalt(SignalEvent second, String where) {
        int status = 128 + second.signal().number();
        String reason = "second trigger " + describe(second) + " while shutting down (" + where
                + "): halting with status " + status;
        dump(reason);
        Runtime.getRuntime().halt(status);
    }

    // ---------------------------------------------------------------- the phases

    private void runnerMain() {
        long startAt;
        synchronized (LOCK) {
            while (stage != Stage.RUNNING && stage != Stage.CLOSED) {
                awaitQuietly();
            }
            if (stage == Stage.CLOSED) {
                return;
            }
            startAt = phasesStartNanos;
        }
        for (long left; (left = startAt - System.nanoTime()) > 0;) {
            LockSupport.parkNanos(left);
        }
        runFrom(0);
    }

    private void runFrom(int index) {
        SignalEvent event;
        synchronized (LOCK) {
            event = first;
        }
        for (int i = index; i < plan.phases.size(); i++) {
            PhaseSpec phase = plan.phases.get(i);
            Attempt a;
            Thread.interrupted(); // a flag a phase left set is not the next phase's business
            synchronized (LOCK) {
                if (phasesStopped) {
                    return;
                }
                a = attempt = new Attempt(i, Thread.currentThread(), System.nanoTime());
                LOCK.notifyAll();
            }
            Throwable failure = null;
            try {
                phase.action.run(event);
            } catch (Throwable t) {
                failure = t;
            }
            String took = millis(System.nanoTime() - a.started);
            synchronized (LOCK) {
                if (!a.running) {
                    LOG.log(Level.INFO, "shutdown: phase '" + phase.name + "', abandoned at its"
                            + " timeout, ended after " + took
                            + (failure != null ? " with " + failure : ""));
                    return; // the watchdog started the next phase elsewhere
                }
                a.running = false;
                attempt = null;
                if (failure != null) {
                    failed++;
                }
            }
            if (failure != null) {
                LOG.log(Level.WARNING, "shutdown: phase '" + phase.name + "' threw after " + took
                        + next(i), failure);
            } else {
                LOG.log(Level.INFO, "shutdown: phase '" + phase.name + "' done after " + took);
            }
        }
        exit();
    }

    private String next(int index) {
        return index + 1 < plan.phases.size()
                ? "; going on with '" + plan.phases.get(index + 1).name + "'" : "; that was the last phase";
    }

    private void exit() {
        int status;
        String outcome;
        synchronized (LOCK) {
            phasesDone = true;
            LOCK.notifyAll();
            if (phasesStopped || stage != Stage.RUNNING) {
                return;
            }
            stage = Stage.EXITING;
            boolean clean = failed == 0;
            status = clean && plan.exitStatus != null ? plan.exitStatus : 128 + first.signal().number();
            outcome = (clean ? "all phases done" : failed + " of " + plan.phases.size()
                    + " phases failed") + " " + millis(System.nanoTime() - firstNanos) + " after "
                    + describe(first);
        }
        LOG.log(Level.INFO, "shutdown: " + outcome + "; System.exit(" + status
                + "): the JVM's shutdown hooks run now");
        System.exit(status);
    }

    // ---------------------------------------------------------------- timeouts and the deadline

    private void watchdogMain() {
        synchronized (LOCK) {
            while (stage == Stage.EARLY || stage == Stage.ARMED) {
                awaitQuietly();
            }
            if (stage == Stage.CLOSED) {
                return;
            }
        }
        // The first thread dump of a JVM starts the platform MBean server (about 100 ms): do it
        // now, so that a second trigger or the deadline halts without that wait.
        try {
            ManagementFactory.getPlatformMBeanServer();
        } catch (RuntimeException | LinkageError e) {
            // ThreadDumps falls back to ThreadMXBean; the deadline must hold regardless
        }
        synchronized (LOCK) {
            for (;;) {
                long now = System.nanoTime();
                if (hasDeadline && now - deadlineNanos >= 0) {
                    break;
                }
                long wait = hasDeadline ? deadlineNanos - now : Long.MAX_VALUE;
                Attempt a = attempt;
                if (a != null && a.running && !phasesStopped) {
                    long over = now - (a.started + plan.phases.get(a.index).timeout.toNanos());
                    if (over >= 0) {
                        timedOut(a);
                        continue;
                    }
                    wait = Math.min(wait, -over);
                }
                if (wait == Long.MAX_VALUE) {
                    awaitQuietly();
                } else {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(LOCK, wait);
                    } catch (InterruptedException e) {
                        // only the deadline ends this loop
                    }
                }
            }
        }
        deadlinePassed();
    }

    /** Under LOCK: abandon the phase and go on with the next one on a fresh thread. */
    private void timedOut(Attempt a) {
        a.running = false;
        attempt = null;
        failed++;
        PhaseSpec phase = plan.phases.get(a.index);
        a.thread.interrupt();
        String nextThread = "sigbridge-shutdown-" + (++runners + 1);
        LOG.log(Level.WARNING, "shutdown: phase '" + phase.name + "' did not end within its"
                + " timeout of " + format(phase.timeout) + "; interrupted, it may go on running on \""
                + a.thread.getName() + "\"" + next(a.index) + (a.index + 1 < plan.phases.size()
                ? " on \"" + nextThread + "\"" : ""));
        Thread runner = new Thread(() -> runFrom(a.index + 1), nextThread);
        runner.setDaemon(true);
        try {
            runner.start();
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "shutdown: cannot start a thread for the next phase", t);
            hasDeadline = true;
            deadlineNanos = System.nanoTime(); // the watchdog halts now: nothing else can go on
        }
    }

    private void deadlinePassed() {
        int status;
        String reason;
        synchronized (LOCK) {
            status = plan.deadlineStatus;
            reason = "shutdown deadline of " + format(Duration.ofNanos(deadlineNanos - firstNanos))
                    + " passed ("
                    + whereNow() + "): halting with status " + status;
        }
        dump(reason);
        Runtime.getRuntime().halt(status);
    }

    // ---------------------------------------------------------------- the JVM's exit

    /**
     * The JVM began to exit. During the phases that means System.exit was called: by a phase
     * (then the rest is skipped: that phase's thread is stuck in exit) or elsewhere (then this
     * hook keeps the JVM until the phases end, bounded by their timeouts and the deadline).
     */
    private void jvmHook() {
        synchronized (LOCK) {
            if (stage != Stage.RUNNING) {
                return;
            }
            Attempt a = attempt;
            if (a != null && insideExit(a.thread)) {
                phasesStopped = true;
                LOCK.notifyAll();
                duringExit("phase '" + plan.phases.get(a.index).name + "' called System.exit:"
                        + " the remaining phases are skipped, the JVM's shutdown hooks run now");
                return;
            }
            duringExit("the JVM began to exit (System.exit outside the phases) while the phases"
                    + " run; the JVM's hooks run now, and the JVM waits for the phases too");
            while (!phasesDone && !phasesStopped) {
                awaitQuietly();
            }
        }
    }

    /**
     * Standard error, not the logger: java.util.logging resets its handlers in a shutdown hook
     * of its own, which may have run already.
     */
    private static void duringExit(String message) {
        System.err.println("sigbridge: shutdown: " + message);
    }

    private static boolean insideExit(Thread t) {
        for (StackTraceElement f : t.getStackTrace()) {
            if (f.getMethodName().equals("exit") && (f.getClassName().equals("java.lang.Shutdown")
                    || f.getClassName().equals("java.lang.Runtime"))) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- helpers

    private static void awaitQuietly() {
        try {
            LOCK.wait();
        } catch (InterruptedException e) {
            // these threads end by their stage, not by interrupts
        }
    }

    private void dump(String reason) {
        Path file;
        synchronized (LOCK) {
            file = plan != null ? plan.dumpFile : null;
        }
        if (file != null) {
            try (PrintStream out = new PrintStream(Files.newOutputStream(file,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND), true, StandardCharsets.UTF_8)) {
                ThreadDumps.write(out, reason);
                System.err.println("sigbridge: " + reason + "; all stacks in " + file);
                return;
            } catch (IOException | RuntimeException e) {
                System.err.println("sigbridge: cannot write the dump to " + file + " (" + e + "):"
                        + " writing it here");
            }
        }
        ThreadDumps.write(System.err, reason);
    }

    private static boolean closesConsole(SignalEvent e) {
        return e.consoleEvent().map(c -> c == ConsoleEvent.CTRL_CLOSE || c == ConsoleEvent.CTRL_LOGOFF
                || c == ConsoleEvent.CTRL_SHUTDOWN).orElse(false);
    }

    /** What the console routine waits at most (WindowsConsole.configure validated it). */
    private static long consoleGraceMillis() {
        try {
            return Long.parseLong(System.getProperty(WindowsConsole.GRACE_PROPERTY,
                    Integer.toString(WindowsConsole.DEFAULT_GRACE_MILLIS)).trim());
        } catch (NumberFormatException e) {
            return WindowsConsole.DEFAULT_GRACE_MILLIS;
        }
    }

    private static String describe(SignalEvent e) {
        StringBuilder b = new StringBuilder();
        e.consoleEvent().ifPresent(c -> b.append(c).append(" = "));
        b.append(e.signal());
        // Linux reports pid 0 for a sender outside the receiver's pid namespace: a container
        // runtime stopping the container whose PID 1 this JVM is.
        e.senderPid().ifPresent(pid -> b.append(pid == 0 ? " from outside this pid namespace (pid 0)"
                : " from pid " + pid));
        return b.toString();
    }

    private static String millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
    }

    private static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
