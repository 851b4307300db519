package io.sigbridge.internal;

import io.sigbridge.NoSuchProcessException;
import io.sigbridge.Signal;
import io.sigbridge.Signals;

/**
 * Killing a child and the processes of its group at once, for {@code ProcessGroups.terminate}
 * once the grace is over and for {@code sigbridge run} on Windows when the child or the rest of
 * its job outlives the grace. (On POSIX {@code sigbridge run} is the C supervisor,
 * {@code native/posix/sb_run.c}, a process of its own that kills its group itself.)
 */
public final class GroupKill {
    private GroupKill() {}

    /**
     * Kills {@code process} and, when it leads a group of its own, the whole group. On Windows a
     * {@link WindowsGroupProcess} is killed with everything in its Job Object (TerminateJobObject);
     * on POSIX a group leader's group gets SIGKILL, and a group that emptied meanwhile is no
     * error; a process that leads no group is destroyed forcibly, alone.
     *
     * @param leadsGroup whether {@code process} leads a process group of its own
     * @return 0, or the Windows error code with which TerminateJobObject failed
     * @throws io.sigbridge.SignalPermissionException when the group may not be signalled
     */
    public static int kill(Process process, boolean leadsGroup) {
        if (process instanceof WindowsGroupProcess) {
            return ((WindowsGroupProcess) process).killJob();
        }
        if (!leadsGroup) {
            process.destroyForcibly();
            return 0;
        }
        try {
            Signals.sendToGroup(process.pid(), Signal.named("KILL"));
        } catch (NoSuchProcessException e) {
            // the group emptied meanwhile
        }
        return 0;
    }
}
