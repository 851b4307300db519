package io.sigbridge.testsupport;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.Signals;

/**
 * A child JVM's main: loads the native library by registering a USR1 handler, raises USR1 and
 * prints what the handler saw. Exit 0 when the handler ran, 1 when it did not.
 */
public final class LoadAndHandle {
    private LoadAndHandle() {}

    public static void main(String[] args) throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        long[] sender = {-1};
        try (Registration r = Signals.handle(Signal.USR1, e -> {
            sender[0] = e.senderPid().orElse(-1);
            ran.countDown();
        })) {
            Signals.raise(Signal.USR1);
            if (!ran.await(20, TimeUnit.SECONDS)) {
                System.out.println("no USR1 event");
                System.exit(1);
            }
        }
        System.out.println("handled USR1 from pid " + sender[0] + " in "
                + Signals.class.getModule() + " of pid " + ProcessHandle.current().pid());
    }
}
