package io.sigbridge.testsupport;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.sigbridge.Chain;
import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.internal.NativeSignals;

/**
 * A child JVM for the last gasps the process survives: {@code LastGaspChild MODE}. Its handler
 * prints {@code HANDLED n} for the n-th delivery; then it obeys stdin: {@code close} closes the
 * registration and prints {@code CLOSED disposition=D} (a NativeSignals.DISPOSITION_* value),
 * {@code exit} ends it with status 0.
 *
 * <ul>
 *   <li>{@code abrt}: ABRT (always a last gasp), in whatever disposition the JVM inherited.
 *   <li>{@code usr1-previous}: USR1 with {@link Chain#PREVIOUS} onto its SIG_DFL (a last gasp that
 *       ends the process, unless the kernel discards the default action: PID 1).
 * </ul>
 *
 * <p>It prints {@code READY <pid>} with the pid its parent knows it by: as PID 1 of a PID namespace
 * ({@code unshare --pid --fork}, which stays the parent) that is {@code unshare}'s pid, and
 * {@code HOSTPID <n>} says its own pid outside the namespace, for {@code kill}.
 */
public final class LastGaspChild {
    private LastGaspChild() {}

    public static void main(String[] args) throws Exception {
        Signal signal;
        Chain chain;
        switch (args[0]) {
            case "abrt":
                signal = Signal.ABRT;
                chain = Chain.CONSUME;
                break;
            case "usr1-previous":
                signal = Signal.USR1;
                chain = Chain.PREVIOUS;
                break;
            default:
                throw new IllegalArgumentException(args[0]);
        }
        AtomicInteger handled = new AtomicInteger();
        Registration registration = Signals.handle(signal, e -> {
            System.out.println("HANDLED " + handled.incrementAndGet() + " " + e);
            System.out.flush();
        }, chain);
        long pid = ProcessHandle.current().pid();
        long hostPid = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
        long known = pid == 1 ? parentOutsideTheNamespace() : pid;
        System.out.println("HOSTPID " + hostPid);
        System.out.println("READY " + known);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null;) {
            if (line.equals("close")) {
                registration.close();
                System.out.println("CLOSED disposition=" + NativeSignals.disposition(signal.number()));
                System.out.flush();
            } else if (line.equals("exit")) {
                System.exit(0);
            }
        }
    }

    /** {@code PPid} of /proc/self/status: /proc is the host's, so it shows host pids. */
    private static long parentOutsideTheNamespace() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("PPid:")) {
                return Long.parseLong(line.substring(5).trim());
            }
        }
        throw new IllegalStateException("no PPid in /proc/self/status");
    }
}
