package io.sigbridge;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.WindowsNatives;

/**
 * Windows: {@link Signals#send(long, Signal)} to another process. TERM is WM_CLOSE to its
 * top-level windows (what {@code taskkill /PID} does); INT and BREAK are CTRL_C and CTRL_BREAK
 * on its console, sent by {@code sigbridge-ctrl.exe} (the jar's helper), since this process
 * would have to leave its own console to attach to another. Nothing falls back to
 * TerminateProcess.
 */
final class WindowsSend {
    private static final long HELPER_TIMEOUT_SECONDS = 30;
    private static Path helper;

    private WindowsSend() {}

    static void send(long pid, Signal signal) {
        switch (signal.name()) {
            case "TERM":
                postClose(pid);
                return;
            case "INT":
                onItsConsole(pid, ConsoleEvent.CTRL_C);
                return;
            case "BREAK":
                onItsConsole(pid, ConsoleEvent.CTRL_BREAK);
                return;
            default:
                throw new UnsupportedOperationException(signal + " cannot be sent to process " + pid
                        + " on Windows: the C runtime raises it only in the calling process. Another"
                        + " process can be sent TERM (WM_CLOSE to its windows), INT (CTRL_C) or BREAK"
                        + " (CTRL_BREAK on its console)");
        }
    }

    /**
     * WM_CLOSE to every top-level window of {@code pid}, as {@code taskkill /PID} without
     * {@code /F}.
     *
     * @return how many windows it was posted to
     */
    static long postClose(long pid) {
        NativeLibrary.load();
        long posted = WindowsNatives.postClose(pid);
        if (posted > 0) {
            return posted;
        }
        int rc = (int) -posted;
        String what = "cannot send TERM (WM_CLOSE) to process " + pid;
        switch (rc) {
            case WindowsNatives.ERROR_NO_WINDOW:
                throw new NoWindowException(what + ": it has no top-level window on this desktop,"
                        + " so nothing can ask it to close (taskkill /PID says it \"can only be"
                        + " terminated forcefully\"). A JVM has one while it has a sigbridge handler"
                        + " of TERM, CTRL_CLOSE, CTRL_LOGOFF or CTRL_SHUTDOWN; a console program can"
                        + " be sent INT or BREAK on its console instead; a service is stopped"
                        + " through the service manager", rc, pid);
            case WindowsNatives.ERROR_NO_SUCH_PROCESS:
                throw new NoSuchProcessException(what + ": no such process", rc);
            default:
                throw Errors.fromCode(what, rc);
        }
    }

    /** CTRL_C or CTRL_BREAK to group 0 of the console {@code pid} is attached to. */
    private static void onItsConsole(long pid, ConsoleEvent event) {
        String what = "cannot send " + event.signal() + " (" + event + ") to process " + pid;
        if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) {
            throw new NoSuchProcessException(what + ": no such process", Errors.ESRCH);
        }
        int rc;
        try {
            Process p = new ProcessBuilder(helper().toString(), String.valueOf(event.type()),
                    String.valueOf(pid), String.valueOf(ProcessHandle.current().pid()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SignalException(what + ": " + WindowsNatives.CTRL_HELPER + " did not"
                        + " finish within " + HELPER_TIMEOUT_SECONDS + " s");
            }
            rc = p.exitValue();
        } catch (IOException e) {
            throw new SignalException(what + ": cannot run " + WindowsNatives.CTRL_HELPER, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignalException(what + ": interrupted while " + WindowsNatives.CTRL_HELPER
                    + " ran", e);
        }
        switch (rc) {
            case 0:
                return;
            case WindowsNatives.ERROR_NO_CONSOLE:
                throw new NoConsoleException(what + ": it has no console (a service, or started"
                        + " without one), so no console event can reach it; send TERM if it has a"
                        + " window", rc);
            case WindowsNatives.ERROR_SHARED_CONSOLE:
                throw new IllegalArgumentException(what + ": it is on this process's console, where"
                        + " the event goes to every process, this one included. Say that"
                        + " explicitly with Signals.sendConsoleEvent(ConsoleEvent." + event
                        + ", 0), or, for a child started by ProcessGroups.start, use"
                        + " ProcessGroups.interrupt (CTRL_BREAK to its group only)");
            case WindowsNatives.ERROR_CTRL_C_DISABLED:
                throw new IllegalArgumentException(what + ": it ignores CTRL_C (it was started in"
                        + " a new process group, which disables CTRL_C until the process enables"
                        + " it, or it called SetConsoleCtrlHandler(NULL, TRUE)); send BREAK instead");
            case WindowsNatives.ERROR_NO_SUCH_PROCESS:
                throw new NoSuchProcessException(what + ": no such process", rc);
            default:
                throw Errors.fromCode(what, rc);
        }
    }

    private static synchronized Path helper() throws IOException {
        if (helper == null) {
            NativeLibrary.load();
            helper = NativeLibrary.extract(WindowsNatives.CTRL_HELPER, true);
        }
        return helper;
    }
}
