package io.sigbridge.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

import io.sigbridge.Chain;
import io.sigbridge.Signal;
import io.sigbridge.Signals;

/**
 * A child JVM whose USR1 had another library's SA_SIGINFO handler (which reads its ucontext)
 * before sigbridge's, registered with {@link Chain#PREVIOUS}: after a {@code kill -USR1} it prints
 * {@code PREVIOUS calls=.. context=.. tid=.. pid=.. dispatcher=..} once that handler ran.
 */
public final class ChainContextChild {
    private ChainContextChild() {}

    public static void main(String[] args) throws Exception {
        int rc = NativeChain.installContextReader(Signal.USR1.number());
        if (rc != 0) {
            throw new IllegalStateException("sigaction: " + rc);
        }
        Signals.handle(Signal.USR1, e -> System.out.println("HANDLED " + e), Chain.PREVIOUS);
        String dispatcher = dispatcherTid();
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        long[] report = new long[5];
        long deadline = System.nanoTime() + 30_000_000_000L;
        do {
            Thread.sleep(5);
            NativeChain.report(report);
        } while (report[0] == 0 && System.nanoTime() < deadline);
        System.out.println("PREVIOUS calls=" + report[0] + " context=" + (report[1] != 0) + " tid="
                + report[2] + " pid=" + report[3] + " dispatcher=" + dispatcher);
        System.out.flush();
    }

    private static String dispatcherTid() throws Exception {
        Signals.stats(Signal.USR1); // the dispatcher runs
        for (int attempt = 0; attempt < 3000; attempt++) {
            try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    if (Files.readString(task.resolve("comm")).trim().equals("sigbridge-dispa")) {
                        return task.getFileName().toString();
                    }
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no dispatcher thread");
    }
}
