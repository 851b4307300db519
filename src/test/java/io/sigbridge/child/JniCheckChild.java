package io.sigbridge.child;

import static io.sigbridge.child.ChildIo.say;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.sigbridge.Chain;
import io.sigbridge.NoSuchProcessException;
import io.sigbridge.Registration;
import io.sigbridge.ReservedSignalException;
import io.sigbridge.Signal;
import io.sigbridge.SignalEvent;
import io.sigbridge.SignalStats;
import io.sigbridge.SignalSubscription;
import io.sigbridge.Signals;
import io.sigbridge.internal.NativeSignals;

/**
 * Walks every JNI entry point under -Xcheck:jni: register, raise, kill and sigqueue to itself,
 * deliver, chain to SIG_DFL-ignore, stats, the error paths (ESRCH for a process and a group),
 * the reserved QUIT, close and restore. Prints {@code OK step} per step and {@code DONE}; any
 * surprise makes it print {@code FAILED} and exit 4. The test reads the JVM's own output.
 */
public final class JniCheckChild {
    private JniCheckChild() {}

    public static void main(String[] args) throws Exception {
        try {
            run();
        } catch (Throwable t) {
            say("FAILED " + t);
            t.printStackTrace();
            System.exit(ChildIo.EXIT_FAILED);
        }
        say("DONE");
        System.exit(0);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
        say("OK " + what);
    }

    private static SignalEvent next(SignalSubscription sub) throws InterruptedException {
        SignalEvent e = sub.poll(Duration.ofSeconds(20));
        if (e == null) {
            throw new AssertionError("no event within 20 s");
        }
        return e;
    }

    private static void run() throws Exception {
        say("JVMARGS " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        long self = ProcessHandle.current().pid();
        Signal rt = Signal.named("RTMIN+1");
        ChildIo.ready();

        int usr1 = Signal.USR1.number();
        int usr1Before = NativeSignals.disposition(usr1);
        try (SignalSubscription sub = Signals.subscribe(Signal.USR1, rt)) {
            check(NativeSignals.disposition(usr1) == NativeSignals.DISPOSITION_SIGBRIDGE, "subscribe installs");
            Signals.raise(Signal.USR1);
            SignalEvent raised = next(sub);
            check(raised.signal().equals(Signal.USR1) && raised.senderPid().orElse(-1) == self, "raise delivers " + raised);
            Signals.send(self, Signal.USR1);
            SignalEvent killed = next(sub);
            check(killed.signal().equals(Signal.USR1) && killed.code() == 0, "kill delivers " + killed);
            Signals.send(self, rt, 1234);
            SignalEvent queued = next(sub);
            check(queued.signal().equals(rt) && queued.value().orElse(-1) == 1234, "sigqueue delivers " + queued);
            SignalStats stats = Signals.stats(Signal.USR1);
            check(stats.invocations() == 2 && stats.delivered() == 2 && stats.coalesced() == 0, "stats " + stats);
        }
        check(NativeSignals.disposition(usr1) == usr1Before, "close restores USR1 (" + usr1Before + ")");

        try {
            Signals.send(Integer.MAX_VALUE, Signal.USR1);
            check(false, "kill of a process that cannot exist fails");
        } catch (NoSuchProcessException e) {
            check(e.getMessage().contains("errno 3"), "kill ESRCH: " + e.getMessage());
        }
        try {
            Signals.send(Integer.MAX_VALUE, rt, 7);
            check(false, "sigqueue to a process that cannot exist fails");
        } catch (NoSuchProcessException e) {
            check(e.getMessage().contains("errno 3"), "sigqueue ESRCH: " + e.getMessage());
        }
        try {
            Signals.sendToGroup(Integer.MAX_VALUE, Signal.USR1);
            check(false, "killpg of a group that cannot exist fails");
        } catch (NoSuchProcessException e) {
            check(e.getMessage().contains("errno 3"), "killpg ESRCH: " + e.getMessage());
        }
        try {
            Signals.handle(Signal.QUIT, e -> { });
            check(false, "QUIT is refused without -Xrs");
        } catch (ReservedSignalException e) {
            check(e.signal().equals(Signal.QUIT), "QUIT reserved: " + e.reason());
        }

        // WINCH's previous action is SIG_DFL, whose default is to ignore: chaining does nothing.
        CountDownLatch winch = new CountDownLatch(1);
        try (Registration r = Signals.handle(Signal.WINCH, e -> winch.countDown(), Chain.PREVIOUS)) {
            Signals.raise(Signal.WINCH);
            check(winch.await(20, TimeUnit.SECONDS), "WINCH handled and chained to its default (ignore)");
        }

        // HUP, INT, TERM: the JVM's handlers are replaced while registered and come back on
        // close. They stay replaced for 200 ms, 20 periods of -Xcheck:jni's signal-handler
        // check, so that whatever that check says about them shows up in the output.
        Signal[] shutdown = {Signal.HUP, Signal.INT, Signal.TERM};
        long[] jvm = new long[shutdown.length];
        Registration[] registrations = new Registration[shutdown.length];
        for (int i = 0; i < shutdown.length; i++) {
            jvm[i] = NativeSignals.handlerAddress(shutdown[i].number());
            registrations[i] = Signals.handle(shutdown[i], e -> { });
            check(NativeSignals.handlerAddress(shutdown[i].number()) != jvm[i], shutdown[i] + " replaced while registered");
        }
        Thread.sleep(200);
        for (int i = 0; i < shutdown.length; i++) {
            registrations[i].close();
            check(NativeSignals.handlerAddress(shutdown[i].number()) == jvm[i], shutdown[i] + " restored on close");
        }
    }
}
