package io.sigbridge;

/**
 * Windows: {@link ProcessGroups#interrupt} was given a process that {@link ProcessGroups#start}
 * did not start, so it is not the leader of a process group of its own and no console event can
 * reach it alone ({@link ProcessGroups#terminate} asks such a process to close its windows
 * instead). CTRL_BREAK_EVENT can only be aimed at a
 * process group made with CREATE_NEW_PROCESS_GROUP (which ProcessBuilder cannot ask for), and
 * CTRL_C_EVENT cannot be aimed at a group at all (only at every process on the console, this
 * one included). Start the child with {@link ProcessGroups#start} instead.
 */
public class NotAGroupLeaderException extends UnsupportedOperationException {
    private static final long serialVersionUID = 1L;
    /** The process that could not be reached. */
    private final long pid;

    /**
     * @param message why the process cannot be reached, and what to do instead
     * @param pid the process
     */
    public NotAGroupLeaderException(String message, long pid) {
        super(message);
        this.pid = pid;
    }

    /** {@return the process that could not be reached} */
    public long pid() {
        return pid;
    }
}
