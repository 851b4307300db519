package io.sigbridge.child;

import io.sigbridge.examples.GracefulServer;
import io.sigbridge.testsupport.ChildProcess;

/** The README's worked example, {@link GracefulServer}, under {@link ChildProcess}'s protocol. */
public final class GracefulServerChild {
    private GracefulServerChild() {}

    public static void main(String[] args) throws Exception {
        GracefulServer.main(args); // returns once it listens and its Shutdown is installed
        ChildIo.ready();
    }
}
