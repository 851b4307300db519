package io.sigbridge;

/**
 * A handler's registration. Closing it stops further calls of that handler (an event already
 * being dispatched may still reach it); closing the last registration of a signal puts back
 * exactly the disposition that was installed before sigbridge's, unless something else replaced
 * sigbridge's meanwhile, in which case that replacement stays and a warning is logged.
 * Closing twice is harmless.
 */
public interface Registration extends AutoCloseable {
    /** {@return the signal this registration is for} */
    Signal signal();

    /** {@return whether the handler is still registered: true until {@link #close()}} */
    boolean isActive();

    /** Unregisters the handler; see the class description. Never throws. */
    @Override
    void close();
}
