package io.sigbridge.internal.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.sigbridge.Signal;
import io.sigbridge.SignalEvent;
import io.sigbridge.SignalSubscription;
import io.sigbridge.Signals;
import io.sigbridge.internal.PlatformSignals;

/** {@code watch [--for DURATION] [SIGNAL...]}: one line per event until Ctrl-C twice. */
final class Watch {
    private Watch() {}

    static int run(List<String> args, PrintStream out) throws InterruptedException {
        Duration limit = null;
        Set<Signal> signals = new LinkedHashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--for")) {
                if (i + 1 == args.size()) {
                    throw new Main.UsageException("--for needs a duration");
                }
                limit = Durations.parse(args.get(++i));
            } else {
                signals.add(SendCommand.parseSignal(a));
            }
        }
        if (signals.isEmpty()) {
            signals.addAll(List.of(Signal.HUP, Signal.INT, Signal.TERM, Signal.USR1, Signal.WINCH,
                    Signal.CONT));
        }
        signals.add(Signal.INT); // always: Ctrl-C twice stops the watch
        long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        try (SignalSubscription sub = Signals.subscribe(signals.toArray(new Signal[0]))) {
            List<String> names = new ArrayList<>();
            sub.signals().forEach(s -> names.add(s.name()));
            out.println("watching pid " + ProcessHandle.current().pid() + " for "
                    + String.join(" ", names) + (limit == null ? "" : " for " + limit)
                    + "; Ctrl-C twice to stop");
            out.flush();
            int interrupts = 0;
            while (System.nanoTime() < deadline) {
                long left = deadline - System.nanoTime();
                SignalEvent e = sub.poll(Duration.ofNanos(Math.min(left, Duration.ofSeconds(1).toNanos())));
                if (e == null) {
                    continue;
                }
                out.println(describe(e));
                out.flush();
                if (e.signal().equals(Signal.INT) && ++interrupts >= 2) {
                    break;
                }
            }
        }
        return 0;
    }

    static String describe(SignalEvent e) {
        long agoNanos = System.nanoTime() - e.nanoTime();
        Instant at = Instant.now().minusNanos(Math.max(0, agoNanos));
        StringBuilder b = new StringBuilder();
        b.append(at).append("  SIG").append(e.signal().name());
        if (e.senderPid().isPresent()) {
            long pid = e.senderPid().getAsLong();
            String command = ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse("?");
            b.append("  pid=").append(pid).append(" (").append(command).append(')');
            b.append("  uid=").append(e.senderUid().getAsInt());
        } else {
            b.append("  pid=-");
        }
        b.append("  code=").append(PlatformSignals.describeCode(e.code()));
        b.append("  value=").append(e.value().isPresent() ? Integer.toString(e.value().getAsInt()) : "-");
        if (e.coalesced() > 0) {
            b.append("  coalesced=").append(e.coalesced());
        }
        return b.toString();
    }
}
