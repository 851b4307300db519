package io.sigbridge.child;

import static io.sigbridge.child.ChildIo.say;

import java.util.concurrent.TimeUnit;

import io.sigbridge.Chain;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.internal.NativeSignals;
import io.sigbridge.testsupport.VmDeathProbe;

/**
 * A child whose end the test drives: a TERM handler (Chain.PREVIOUS with argument
 * {@code chain}) and a shutdown hook that waits until a TERM arrives while it runs. Commands:
 * {@code return} (main returns), {@code exit N} (System.exit). With argument {@code probe} the
 * hook does not wait; instead a JVMTI probe (libsigbridge-testnative) reports at VMDeath whether
 * the dispatcher was still in native code.
 */
public final class ExitChild {
    private static final Object LOCK = new Object();
    private static int termsHandled;

    private ExitChild() {}

    public static void main(String[] args) throws Exception {
        boolean chain = args.length > 0 && args[0].equals("chain");
        boolean probe = args.length > 0 && args[0].equals("probe");
        Signals.handle(Signal.TERM, e -> {
            say("TERM handled " + ChildIo.describe(e)); // before the hook may end the JVM
            synchronized (LOCK) {
                termsHandled++;
                LOCK.notifyAll();
            }
        }, chain ? Chain.PREVIOUS : Chain.CONSUME);
        Runtime.getRuntime().addShutdownHook(new Thread(probe ? ExitChild::installProbe
                : ExitChild::awaitTermDuringHooks, "exit-child-hook"));
        ChildIo.ready();
        for (;;) {
            String[] command = ChildIo.command().split(" ");
            if (command[0].equals("return")) {
                say("RETURNING from main");
                return;
            } else if (command[0].equals("exit") && command.length == 2) {
                say("EXITING " + command[1]);
                System.exit(Integer.parseInt(command[1]));
            } else {
                say("UNKNOWN command " + String.join(" ", command));
            }
        }
    }

    private static void awaitTermDuringHooks() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        synchronized (LOCK) {
            int before = termsHandled;
            say("HOOK running terms=" + before);
            try {
                while (termsHandled == before && System.nanoTime() < deadline) {
                    TimeUnit.NANOSECONDS.timedWait(LOCK, deadline - System.nanoTime());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            say(termsHandled > before ? "HOOK saw TERM terms=" + termsHandled : "HOOK gave up waiting for TERM");
        }
    }

    /**
     * JVMTI posts VMDeath to environments in the order they were created, and the probe must
     * look after sigbridge's callback ran. On JDK 19+ sigbridge asks for VMDeath from a shutdown
     * hook of its own, which may not have run yet: asking here first (idempotent) makes
     * sigbridge's environment the older one either way, still only once the shutdown began.
     */
    private static void installProbe() {
        int own = NativeSignals.watchVmDeath();
        Thread dispatcher = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("sigbridge-dispatch")).findFirst().orElse(null);
        if (own != 0 || dispatcher == null) {
            say("PROBE not installed: watchVmDeath " + own + ", dispatcher " + dispatcher);
            return;
        }
        int rc = VmDeathProbe.install(dispatcher);
        say(rc == 0 ? "PROBE installed" : "PROBE failed " + rc);
    }
}
