package io.sigbridge;

/** What happens after the Java handlers of a signal have run. */
public enum Chain {
    /** The Java handlers consume the signal: nothing else happens. The default. */
    CONSUME,
    /**
     * After the Java handlers ran, the disposition that was installed before sigbridge's runs too:
     * for HUP, INT and TERM that is normally the JVM's own, which runs the shutdown hooks and exits
     * with 128+n; a previous native handler is called (on the dispatcher thread) with a siginfo
     * carrying the captured fields; SIG_IGN does nothing; SIG_DFL takes the default action, which
     * for most signals ends the process by that very signal.
     */
    PREVIOUS
}
