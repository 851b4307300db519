package io.sigbridge;

import java.util.Optional;

/**
 * A Windows console control event, as the console hands it to a {@code HandlerRoutine}.
 *
 * <p>Each event also reaches the handlers of its portable signal, as the JDK and Go map them,
 * so a portable TERM handler also runs when the console window closes:
 *
 * <table>
 * <caption>Console events and the signals they reach</caption>
 * <tr><th>Console event</th><th>Signal</th><th>The console routine returns</th></tr>
 * <tr><td>{@link #CTRL_C}</td><td>{@link Signal#INT}</td><td>at once (after the handlers with
 *     {@link Chain#PREVIOUS})</td></tr>
 * <tr><td>{@link #CTRL_BREAK}</td><td>{@link Signal#BREAK}</td><td>at once (after the handlers
 *     with {@link Chain#PREVIOUS})</td></tr>
 * <tr><td>{@link #CTRL_CLOSE}</td><td>{@link Signal#TERM}</td><td>after the handlers, at most
 *     the grace</td></tr>
 * <tr><td>{@link #CTRL_LOGOFF}</td><td>{@link Signal#TERM}</td><td>after the handlers, at most
 *     the grace</td></tr>
 * <tr><td>{@link #CTRL_SHUTDOWN}</td><td>{@link Signal#TERM}</td><td>after the handlers, at most
 *     the grace</td></tr>
 * </table>
 *
 * <p>Windows ends the process as soon as the routine returns from CTRL_CLOSE, CTRL_LOGOFF and
 * CTRL_SHUTDOWN (and about 5 s after CTRL_CLOSE in any case), so for these the routine waits
 * until the dispatcher-thread handlers of the event have finished, bounded by the grace
 * {@code -Dsigbridge.console.grace=<milliseconds>} (default 4000, at most 4500). When a handler
 * consumed the event the routine returns TRUE; when no registration claims it, or one asks for
 * {@link Chain#PREVIOUS}, it returns FALSE and the JVM's own routine runs (shutdown hooks, exit
 * status 130 for CTRL_C, 143 for the others). Handlers registered with an executor are waited
 * for too, within the last-gasp grace. Consuming CTRL_CLOSE does not keep the process alive:
 * Windows ends it when the routine returns, without the JVM's shutdown hooks; register with
 * {@link Chain#PREVIOUS} to have them run after the handlers.
 *
 * <p>Processes that load USER32, as the JVM does, get no CTRL_LOGOFF or CTRL_SHUTDOWN from the
 * console (services do). sigbridge's hidden window turns the end of a session into them instead
 * ({@link SignalEvent.Origin#END_SESSION}): {@code WM_ENDSESSION} with {@code ENDSESSION_LOGOFF}
 * is CTRL_LOGOFF, any other (shutdown, restart, the Restart Manager closing the application)
 * CTRL_SHUTDOWN. The window returns from {@code WM_ENDSESSION}, after which Windows ends the
 * process, only when the handlers have finished, at most the same grace; when nothing consumed
 * the event, the JVM's own TERM handling (shutdown hooks) runs within what is left of it. It
 * answers {@code WM_QUERYENDSESSION} with TRUE at once: sigbridge never vetoes the end of a
 * session (the handlers run when it really ends, not when it is proposed). With AWT's toolkit
 * loaded, AWT already turns the end of a session into the JVM's TERM (shutdown hooks, exit 143)
 * and the window leaves it to AWT, so GUI applications get their shutdown hooks and no
 * CTRL_LOGOFF/CTRL_SHUTDOWN handler runs.
 */
public enum ConsoleEvent {
    /** {@code CTRL_C_EVENT}: Ctrl-C in the console, or {@code GenerateConsoleCtrlEvent}. */
    CTRL_C(0, "INT"),
    /** {@code CTRL_BREAK_EVENT}: Ctrl-Break in the console, or {@code GenerateConsoleCtrlEvent}. */
    CTRL_BREAK(1, "BREAK"),
    /** {@code CTRL_CLOSE_EVENT}: the console window is closing. */
    CTRL_CLOSE(2, "TERM"),
    /**
     * {@code CTRL_LOGOFF_EVENT}: the user is logging off (from the console for services, from
     * the hidden window's {@code WM_ENDSESSION} otherwise, see above).
     */
    CTRL_LOGOFF(5, "TERM"),
    /**
     * {@code CTRL_SHUTDOWN_EVENT}: the system is shutting down (from the console for services,
     * from the hidden window's {@code WM_ENDSESSION} otherwise, see above).
     */
    CTRL_SHUTDOWN(6, "TERM");

    private final int type;
    private final String signalName;

    ConsoleEvent(int type, String signalName) {
        this.type = type;
        this.signalName = signalName;
    }

    /** {@return the {@code CTRL_*_EVENT} value of wincon.h} */
    public int type() {
        return type;
    }

    /** {@return the portable signal this event also reaches: INT, BREAK or TERM} */
    public Signal signal() {
        switch (signalName) {
            case "INT":
                return Signal.INT;
            case "BREAK":
                return Signal.BREAK;
            default:
                return Signal.TERM;
        }
    }

    /**
     * The event with this {@code CTRL_*_EVENT} value, if there is one.
     *
     * @param type a {@code CTRL_*_EVENT} value
     * @return the event, or empty for a value that is none of these
     */
    public static Optional<ConsoleEvent> ofType(int type) {
        for (ConsoleEvent e : values()) {
            if (e.type == type) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
