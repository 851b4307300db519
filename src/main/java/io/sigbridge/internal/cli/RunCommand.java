package io.sigbridge.internal.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.sigbridge.ConsoleEvent;
import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.internal.GroupKill;
import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.NativeSignals;
import io.sigbridge.internal.Platform;
import io.sigbridge.internal.WindowsGroupProcess;

/**
 * {@code run [OPTIONS] [--] COMMAND [ARGS...]}: a signal-forwarding supervisor in the manner of
 * tini and dumb-init.
 *
 * <p>POSIX: a JVM cannot pass on the signals HotSpot owns (SEGV, BUS, FPE, ILL; QUIT and USR2
 * unless restarted), so after reading the options and what {@code java} was started with
 * ({@link StartedWith}) this JVM replaces itself, same pid, with {@code sigbridge-run}, the C
 * supervisor the jar carries ({@code native/posix/sb_run.c}, which says how it works). From then
 * on no JVM stands between the signals and the child, and none of the JVM's exit delay applies.
 *
 * <p>Windows: COMMAND starts in a new process group and a Job Object (ProcessGroups.start's
 * way, plus JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, so the tree does not outlive the supervisor
 * however it ends). CTRL_C, CTRL_BREAK and CTRL_CLOSE the supervisor receives become
 * CTRL_BREAK_EVENT to the child's group; after CTRL_CLOSE the job is killed when the child has
 * not ended within the grace, at most the console's grace less 500 ms (Windows ends the
 * supervisor about 5 s after CTRL_CLOSE). {@code --timeout} sends CTRL_BREAK_EVENT and kills the
 * job after the grace. The options without a meaning there are refused ({@link RunOptions}).
 *
 * <p>The job is killed by {@link GroupKill}, as ProcessGroups.terminate kills a group; on POSIX
 * sigbridge-run kills its group in C.
 */
final class RunCommand {
    static final String SHORT_USAGE = "usage: run [OPTIONS] [--] COMMAND [ARGS...] (run --help for the options)";
    static final String USAGE = String.join("\n",
            "usage: run [OPTIONS] [--] COMMAND [ARGS...]",
            "  a supervisor in the manner of tini and dumb-init: COMMAND leads a new process group",
            "  and gets every signal run receives; run exits with its status (128+n when signal n",
            "  ended it; 127 when it cannot be found, 126 when it cannot be run)",
            "",
            "  --grace DURATION        KILL what is left this long after a TERM or a timeout (10s)",
            "  -r, --rewrite FROM:TO   pass TO on when FROM arrives (TERM:INT); TSTP: drops TSTP",
            "  --remap-exit FROM:TO    exit TO when the status would be FROM (143:0); -e N is N:0",
            "  -c, --single-child      no new group: signals go to COMMAND alone",
            "  -p, --pdeathsig SIG     COMMAND gets SIG when run dies, even by KILL; SIG is passed",
            "                          on when run's own parent dies (Linux)",
            "  --timeout DURATION      when COMMAND runs longer: TERM to every process of its tree,",
            "                          KILL after the grace; run exits 124",
            "  --dump SIG[:WAIT]       with --timeout: SIG to every process of the tree first (QUIT:",
            "                          a JVM prints its threads), the TERM WAIT later (2s)",
            "  --delay SIG:DURATION    hold SIG that long before passing it on (TERM:5s); a second",
            "                          one while held goes on at once",
            "  -v, --verbose           say what run does, on stderr",
            "  -V, --version           print the version",
            "  -h, --help              print this",
            "  -s, -g                  tini's; run always reaps orphans (Linux) and signals the group",
            "  DURATION: 500ms, 30s, 2m, 1h. SIG: TERM, SIGTERM, 15, RTMIN+2.",
            "",
            "  POSIX: the JVM replaces itself (execve, same pid) with sigbridge-run, a small C",
            "  supervisor in the jar. Every catchable signal is passed on, the ones HotSpot owns",
            "  and the real-time ones too; TSTP, TTIN and TTOU are passed on, then run stops; CONT",
            "  resumes both. On a terminal COMMAND's group gets the foreground and run takes it",
            "  back. Orphans are reaped as they end. COMMAND gets the environment, the argument",
            "  bytes, the signal mask and the ignored signals run was started with, nothing else.",
            "  Windows: CTRL_C, CTRL_BREAK and CTRL_CLOSE become CTRL_BREAK to COMMAND's group; the",
            "  Job Object ends the tree with run. --rewrite, --single-child, --pdeathsig, --dump",
            "  and --delay are refused there.",
            "");
    static final String SUPERVISOR = "sigbridge-run";
    private static final int TIMED_OUT = 124;
    private static final int EACCES = 13;

    private RunCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        StartedWith startedWith = Platform.current().isPosix() ? StartedWith.capture() : null;
        RunOptions options = RunOptions.parse(args, Platform.current());
        if (options.help) {
            out.print(USAGE);
            return 0;
        }
        if (options.version) {
            out.println("sigbridge run " + version());
            return 0;
        }
        if (options.command.isEmpty()) {
            throw new Main.UsageException("no command given; " + SHORT_USAGE);
        }
        if (Platform.current() == Platform.WINDOWS) {
            return runWindows(options, err);
        }
        return becomeSupervisor(options, args, startedWith, err);
    }

    static String version() {
        Package p = RunCommand.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v != null ? v : "(no version: not run from the jar)";
    }

    static int remapExit(RunOptions options, int status) {
        return options.exitRemaps.getOrDefault(status, status);
    }

    /**
     * Replaces this JVM with sigbridge-run; returns only when that failed. Every {@code run}
     * pays for what happens before the exec: loops here, no lambdas or streams (the first of
     * each costs a cold JVM milliseconds).
     */
    private static int becomeSupervisor(RunOptions o, List<String> args, StartedWith startedWith,
            PrintStream err) {
        Path binary;
        try {
            NativeLibrary.load();
            binary = NativeLibrary.extract(SUPERVISOR, true);
        } catch (IOException | RuntimeException e) {
            err.println("sigbridge run: cannot extract " + SUPERVISOR + " from the jar: " + e.getMessage());
            return 1;
        }
        Charset cs = startedWith.charset();
        List<String> words = new ArrayList<>();
        words.add(binary.toString());
        words.add("--remove-self");
        words.add(binary.toString());
        words.add("--grace-ms");
        words.add(Long.toString(o.grace.toMillis()));
        for (Map.Entry<Signal, Optional<Signal>> r : o.rewrites.entrySet()) {
            words.add("--rewrite");
            words.add(r.getKey().number() + ":" + (r.getValue().isPresent() ? r.getValue().get().number() : 0));
        }
        for (Map.Entry<Integer, Integer> remap : o.exitRemaps.entrySet()) {
            words.add("--remap-exit");
            words.add(remap.getKey() + ":" + remap.getValue());
        }
        for (Map.Entry<Signal, Duration> delay : o.delays.entrySet()) {
            words.add("--delay");
            words.add(delay.getKey().number() + ":" + delay.getValue().toMillis());
        }
        if (o.singleChild) {
            words.add("--single-child");
        }
        if (o.verbose) {
            words.add("--verbose");
        }
        if (o.parentDeathSignal != null) {
            words.add("--pdeathsig");
            words.add(Integer.toString(o.parentDeathSignal.number()));
        }
        if (o.timeout != null) {
            words.add("--timeout-ms");
            words.add(Long.toString(o.timeout.toMillis()));
        }
        if (o.dumpSignal != null) {
            words.add("--dump");
            words.add(o.dumpSignal.number() + ":" + o.dumpWait.toMillis());
        }
        String mask = startedWith.signalMask();
        if (mask != null) {
            words.add("--sigmask");
            words.add(mask);
        }
        List<Integer> descriptors = startedWith.descriptors();
        if (descriptors != null) {
            StringJoiner list = new StringJoiner(",");
            for (Integer fd : descriptors) {
                list.add(fd.toString());
            }
            words.add("--keep-fds");
            words.add(list.toString());
        }
        words.add("--");
        List<byte[]> argv = new ArrayList<>();
        for (String w : words) {
            argv.add(w.getBytes(cs));
        }
        List<byte[]> rawArgs = startedWith.arguments(args);
        argv.addAll(rawArgs.subList(o.commandStart, rawArgs.size()));
        List<byte[]> envp = startedWith.environment();
        if (o.verbose) {
            for (String note : startedWith.notes()) {
                err.println("sigbridge run: " + note);
            }
            err.println("sigbridge run: this JVM (pid " + ProcessHandle.current().pid() + ") becomes "
                    + binary + " (execve, same pid)");
        }
        System.out.flush();
        System.err.flush();
        err.flush();
        int rc = NativeSignals.exec(binary.toString().getBytes(cs), argv.toArray(new byte[0][]),
                envp.toArray(new byte[0][]));
        err.println("sigbridge run: cannot execute " + binary + ": " + NativeSignals.errorText(rc)
                + (rc == EACCES ? " (is " + binary.getParent().getParent()
                        + " mounted noexec? -Djava.io.tmpdir=DIR picks another directory)" : ""));
        return 1;
    }

    /** Time left for the supervisor after CTRL_CLOSE is spent so: escalate by then at the latest. */
    private static final long CLOSE_MARGIN_MILLIS = 500;

    private static int runWindows(RunOptions o, PrintStream err) throws Exception {
        ChildGroup group = new ChildGroup();
        CountDownLatch finished = new CountDownLatch(1);
        AtomicReference<WindowsGroupProcess> started = new AtomicReference<>();
        List<Registration> registrations = new ArrayList<>();
        // Handlers go in before the child starts, so an event in between waits and is forwarded.
        for (ConsoleEvent event : List.of(ConsoleEvent.CTRL_C, ConsoleEvent.CTRL_BREAK)) {
            registrations.add(Signals.handle(event, e -> {
                long pgid = group.await();
                if (pgid > 0) {
                    forwardBreak(pgid, event, o, err);
                }
            }));
        }
        registrations.add(Signals.handle(ConsoleEvent.CTRL_CLOSE, e -> {
            long pgid = group.await();
            if (pgid <= 0) {
                return;
            }
            long closeStarted = System.nanoTime();
            forwardBreak(pgid, ConsoleEvent.CTRL_CLOSE, o, err);
            WindowsGroupProcess child = started.get();
            long budget = Math.max(0, Math.min(o.grace.toMillis(), consoleGraceMillis() - CLOSE_MARGIN_MILLIS));
            if (!child.waitFor(budget, TimeUnit.MILLISECONDS) || child.runningInJob() > 0) {
                GroupKill.kill(child, true);
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
            child = WindowsGroupProcess.start(new ProcessBuilder(o.command).inheritIO(), true);
        } catch (IOException e) {
            group.started(-1);
            registrations.forEach(Registration::close);
            err.println("sigbridge run: " + e.getMessage());
            return 127;
        }
        started.set(child);
        group.started(child.pid());
        if (o.verbose) {
            err.println("sigbridge run: child " + child.pid() + " started in a new process group and Job Object");
        }
        boolean timedOut = false;
        if (o.timeout != null && !child.waitFor(o.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            timedOut = true;
            err.println("sigbridge run: timed out after " + o.timeout.toMillis() + " ms: CTRL_BREAK to group "
                    + child.pid() + ", the job killed " + o.grace.toMillis() + " ms later");
            forwardBreak(child.pid(), null, o, err);
            if (!child.waitFor(o.grace.toMillis(), TimeUnit.MILLISECONDS)) {
                GroupKill.kill(child, true);
            }
        }
        int status = child.waitFor();
        if (child.runningInJob() > 0) {
            // The job outlived its leader: ask the rest of the group to end, give them the grace
            // period, then kill the job, so nothing of the command survives the supervisor.
            forwardBreak(child.pid(), null, o, err);
            long deadline = System.nanoTime() + o.grace.toNanos();
            while (child.runningInJob() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            GroupKill.kill(child, true);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (child.runningInJob() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        int code = remapExit(o, timedOut ? TIMED_OUT : status);
        if (o.verbose) {
            err.println("sigbridge run: child " + child.pid() + " ended with " + status + "; exit status " + code);
        }
        err.flush();
        finished.countDown();
        registrations.forEach(Registration::close);
        return code;
    }

    private static long consoleGraceMillis() {
        try {
            return Long.parseLong(System.getProperty("sigbridge.console.grace", "4000").trim());
        } catch (NumberFormatException e) {
            return 4000;
        }
    }

    /** CTRL_BREAK_EVENT to the child's group; a failure (no console, Wine) is reported, not fatal. */
    private static void forwardBreak(long pgid, ConsoleEvent received, RunOptions o, PrintStream err) {
        try {
            Signals.sendConsoleEvent(ConsoleEvent.CTRL_BREAK, pgid);
            if (o.verbose) {
                err.println("sigbridge run: CTRL_BREAK to group " + pgid
                        + (received != null ? " (for " + received + ")" : ""));
            }
        } catch (RuntimeException e) {
            err.println("sigbridge run: cannot send CTRL_BREAK to the child's group " + pgid
                    + (received != null ? " (for " + received + ")" : "") + ": " + e.getMessage());
        }
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
}
