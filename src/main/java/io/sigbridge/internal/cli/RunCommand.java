package io.sigbridge.internal.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.sigbridge.ConsoleEvent;
import io.sigbridge.NoSuchProcessException;
import io.sigbridge.ProcessGroups;
import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.internal.NativeSignals;
import io.sigbridge.internal.Platform;
import io.sigbridge.internal.PlatformSignals;
import io.sigbridge.internal.ProcessTable;
import io.sigbridge.internal.WindowsGroupProcess;

/**
 * {@code run [--grace 10s] -- COMMAND [ARGS...]}: a signal-forwarding supervisor in the manner of
 * tini. It starts COMMAND as the leader of a new process group, forwards the signals a person or
 * an orchestrator sends to the whole group, escalates TERM to KILL after the grace period, reaps
 * orphans it adopts as a child subreaper (Linux), and exits with the child's status.
 *
 * <p>Windows: COMMAND starts in a new process group and a Job Object (ProcessGroups.start's
 * way, plus JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, so the tree does not outlive the supervisor
 * however it ends). CTRL_C, CTRL_BREAK and CTRL_CLOSE the supervisor receives become
 * CTRL_BREAK_EVENT to the child's group; after CTRL_CLOSE the job is killed when the child has
 * not ended within the grace, at most the console's grace less 500 ms (Windows ends the
 * supervisor about 5 s after CTRL_CLOSE). No subreaper and no re-exec (POSIX only).
 */
final class RunCommand {
    static final String USAGE = "usage: run [--grace DURATION] -- COMMAND [ARGS...]";
    /** Forwarded to the child's group as they arrive. QUIT and USR2 only when the JVM lets go of them. */
    private static final List<Signal> FORWARDED = List.of(Signal.INT, Signal.TERM, Signal.HUP,
            Signal.QUIT, Signal.USR1, Signal.USR2, Signal.WINCH);
    private static final System.Logger LOG = System.getLogger("io.sigbridge.run");
    static final String REEXEC_MARKER = "SIGBRIDGE_RUN_REEXEC";

    private RunCommand() {}

    static int run(List<String> args, PrintStream err) throws Exception {
        Duration grace = Duration.ofSeconds(10);
        int i = 0;
        for (; i < args.size() && !args.get(i).equals("--"); i++) {
            if (args.get(i).equals("--grace") && i + 1 < args.size()) {
                grace = Durations.parse(args.get(++i));
                if (grace.isZero() || grace.isNegative()) {
                    throw new Main.UsageException("--grace must be positive, not " + args.get(i));
                }
            } else {
                throw new Main.UsageException("unexpected '" + args.get(i) + "'; " + USAGE);
            }
        }
        List<String> command = i < args.size() ? args.subList(i + 1, args.size()) : List.of();
        if (command.isEmpty()) {
            throw new Main.UsageException("no command given; " + USAGE);
        }

        if (Platform.current() == Platform.WINDOWS) {
            return runWindows(command, grace, err);
        }
        freeQuitAndUsr2();
        boolean subreaper = Platform.current() == Platform.LINUX && NativeSignals.becomeSubreaperChecked();
        ScheduledExecutorService escalation = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sigbridge-run-escalation");
            t.setDaemon(true);
            return t;
        });
        Duration graceFinal = grace;
        // Handlers go in before the child starts, so a TERM that arrives in between is not the
        // JVM's (which would exit and orphan the child) but waits here and is forwarded.
        ChildGroup group = new ChildGroup();
        List<Registration> registrations = new ArrayList<>();
        List<String> notForwarded = new ArrayList<>();
        for (Signal s : FORWARDED) {
            if (Signals.reservation(s).isPresent()) {
                notForwarded.add(s.name());
                continue;
            }
            registrations.add(Signals.handle(s, e -> {
                long pgid = group.await();
                if (pgid <= 0) {
                    return; // the command never started
                }
                forward(pgid, e.signal());
                if (e.signal().equals(Signal.TERM)) {
                    escalation.schedule(() -> killGroup(pgid), graceFinal.toMillis(), TimeUnit.MILLISECONDS);
                }
            }));
        }
        if (!notForwarded.isEmpty()) {
            LOG.log(Level.DEBUG, "not forwarding {0}: this JVM owns them (start it with -Xrs and"
                    + " _JAVA_SR_SIGNUM to free QUIT and USR2)", notForwarded);
        }
        Process child;
        try {
            child = ProcessGroups.start(new ProcessBuilder(command).inheritIO());
        } catch (IOException e) {
            group.started(-1);
            registrations.forEach(Registration::close);
            err.println("sigbridge run: " + e.getMessage());
            return 127;
        }
        group.started(child.pid());
        if (subreaper) {
            registrations.add(Signals.handle(Signal.CHLD, e -> reapOrphans(child.pid())));
        }
        int status = child.waitFor();
        long pgid = child.pid();
        if (ProcessTable.available() && !ProcessTable.runningMembers(pgid).isEmpty()) {
            // The group outlived its leader: ask the rest to end, give them the grace period,
            // then kill what is left, so nothing of the command survives the supervisor.
            forward(pgid, Signal.TERM);
            long deadline = System.nanoTime() + grace.toNanos();
            while (!ProcessTable.runningMembers(pgid).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            killGroup(pgid);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!ProcessTable.runningMembers(pgid).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        if (subreaper) {
            reapOrphans(child.pid()); // what the CHLD handler has not reaped yet
        }
        registrations.forEach(Registration::close);
        escalation.shutdownNow();
        err.flush();
        return status;
    }

    /** Time left for the supervisor after CTRL_CLOSE is spent so: escalate by then at the latest. */
    private static final long CLOSE_MARGIN_MILLIS = 500;

    private static int runWindows(List<String> command, Duration grace, PrintStream err) throws Exception {
        ChildGroup group = new ChildGroup();
        CountDownLatch finished = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<WindowsGroupProcess> started =
                new java.util.concurrent.atomic.AtomicReference<>();
        List<Registration> registrations = new ArrayList<>();
        // Handlers go in before the child starts, so an event in between waits and is forwarded.
        for (ConsoleEvent event : List.of(ConsoleEvent.CTRL_C, ConsoleEvent.CTRL_BREAK)) {
            registrations.add(Signals.handle(event, e -> {
                long pgid = group.await();
                if (pgid > 0) {
                    forwardBreak(pgid, event, err);
                }
            }));
        }
        registrations.add(Signals.handle(ConsoleEvent.CTRL_CLOSE, e -> {
            long pgid = group.await();
            if (pgid <= 0) {
                return;
            }
            long closeStarted = System.nanoTime();
            forwardBreak(pgid, ConsoleEvent.CTRL_CLOSE, err);
            WindowsGroupProcess child = started.get();
            long budget = Math.max(0, Math.min(grace.toMillis(), consoleGraceMillis() - CLOSE_MARGIN_MILLIS));
            if (!child.waitFor(budget, TimeUnit.MILLISECONDS) || child.runningInJob() > 0) {
                child.killJob();
                child.waitFor(CLOSE_MARGIN_MILLIS / 2, TimeUnit.MILLISECONDS);
            }
            // Windows ends this process as soon as the handler returns: let the main thread
            // return the child's status first (Main exits with it while this still waits).
            long left = consoleGraceMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStarted);
            if (finished.await(Math.max(0, left), TimeUnit.MILLISECONDS)) {
                // and a little longer, for Main's System.exit(child's status) to end it first
                left = consoleGraceMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStarted);
                Thread.sleep(Math.max(0, Math.min(left, 1000)));
            }
        }));
        WindowsGroupProcess child;
        try {
            child = WindowsGroupProcess.start(new ProcessBuilder(command).inheritIO(), true);
        } catch (IOException e) {
            group.started(-1);
            registrations.forEach(Registration::close);
            err.println("sigbridge run: " + e.getMessage());
            return 127;
        }
        started.set(child);
        group.started(child.pid());
        int status = child.waitFor();
        if (child.runningInJob() > 0) {
            // The job outlived its leader: ask the rest of the group to end, give them the grace
            // period, then kill the job, so nothing of the command survives the supervisor.
            forwardBreak(child.pid(), null, err);
            long deadline = System.nanoTime() + grace.toNanos();
            while (child.runningInJob() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            child.killJob();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (child.runningInJob() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        err.flush();
        finished.countDown();
        registrations.forEach(Registration::close);
        return status;
    }

    private static long consoleGraceMillis() {
        try {
            return Long.parseLong(System.getProperty("sigbridge.console.grace", "4000").trim());
        } catch (NumberFormatException e) {
            return 4000;
        }
    }

    /** CTRL_BREAK_EVENT to the child's group; a failure (no console, Wine) is reported, not fatal. */
    private static void forwardBreak(long pgid, ConsoleEvent received, PrintStream err) {
        try {
            Signals.sendConsoleEvent(ConsoleEvent.CTRL_BREAK, pgid);
        } catch (RuntimeException e) {
            err.println("sigbridge run: cannot send CTRL_BREAK to the child's group " + pgid
                    + (received != null ? " (for " + received + ")" : "") + ": " + e.getMessage());
        }
    }

    /**
     * HotSpot keeps QUIT (thread dumps) unless -Xrs, and USR2 (thread suspend/resume) unless
     * _JAVA_SR_SIGNUM moves it. A supervisor must forward both, so when this JVM holds them it
     * replaces itself, same pid, with the same command line plus -Xrs and _JAVA_SR_SIGNUM set to
     * the last real-time signal. The marker variable stops a second round; if the command line
     * cannot be read or exec fails, the supervisor goes on without forwarding QUIT and USR2.
     */
    private static void freeQuitAndUsr2() {
        boolean held = Signals.reservation(Signal.QUIT).isPresent()
                || Signals.reservation(Signal.USR2).isPresent();
        if (!held || System.getenv(REEXEC_MARKER) != null || !Platform.current().isPosix()) {
            return;
        }
        ProcessHandle.Info info = ProcessHandle.current().info();
        if (info.command().isEmpty() || info.arguments().isEmpty()) {
            LOG.log(Level.WARNING, "cannot read this JVM's command line: QUIT and USR2 will not be forwarded");
            return;
        }
        List<String> argv = new ArrayList<>();
        argv.add(info.command().get());
        argv.add("-Xrs");
        argv.addAll(List.of(info.arguments().get()));
        Map<String, String> env = new TreeMap<>(System.getenv());
        env.put(REEXEC_MARKER, "1");
        env.put("_JAVA_SR_SIGNUM", Integer.toString(Signal.realtime(0).number()
                + PlatformSignals.realtimeRange()[2] - PlatformSignals.realtimeRange()[1]));
        List<String> envp = new ArrayList<>();
        env.forEach((k, v) -> envp.add(k + "=" + v));
        System.out.flush();
        System.err.flush();
        int rc = NativeSignals.exec(info.command().get(), argv.toArray(new String[0]), envp.toArray(new String[0]));
        LOG.log(Level.WARNING, "could not restart with -Xrs ({0}): QUIT and USR2 will not be forwarded",
                NativeSignals.errorText(rc));
    }

    /** The child's group id, once it exists; handlers that fire earlier wait for it. */
    private static final class ChildGroup {
        private final CountDownLatch started = new CountDownLatch(1);
        private volatile long pgid;

        void started(long id) {
            pgid = id;
            started.countDown();
        }

        long await() throws InterruptedException {
            started.await();
            return pgid;
        }
    }

    private static void forward(long group, Signal signal) {
        try {
            Signals.sendToGroup(group, signal);
        } catch (NoSuchProcessException gone) {
            // the group has ended; the main loop is about to return its status
        }
    }

    private static void killGroup(long group) {
        try {
            Signals.sendToGroup(group, Signal.named("KILL"));
        } catch (NoSuchProcessException gone) {
            // nothing left to kill
        }
    }

    /** Reaps ended children other than the one the JDK itself waits for. */
    private static void reapOrphans(long jdkChild) {
        long self = ProcessHandle.current().pid();
        for (long pid : ProcessTable.zombieChildren(self)) {
            if (pid != jdkChild) {
                NativeSignals.reap(pid);
            }
        }
    }
}
