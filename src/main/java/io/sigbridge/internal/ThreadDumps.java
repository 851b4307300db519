package io.sigbridge.internal;

import java.io.PrintStream;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Every Java thread's stack, with lock owners and native thread ids. The text is the JVM's own
 * thread dump (the DiagnosticCommand {@code Thread.print -l}, what jstack and QUIT print: "nid=" is
 * the native id); where that command is not available the dump is built from ThreadMXBean,
 * without native ids.
 */
public final class ThreadDumps {
    private ThreadDumps() {}

    public static void write(PrintStream out, String reason) {
        StringBuilder b = new StringBuilder();
        b.append("=== sigbridge thread dump: ").append(reason).append(" ===\n");
        b.append("time: ").append(Instant.now()).append("  pid: ").append(ProcessHandle.current().pid())
                .append("  vm: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.vm.version")).append('\n');
        String dump = jvmThreadPrint();
        b.append(dump != null ? dump : fromThreadMXBean());
        b.append("=== end of thread dump ===\n");
        out.print(b);
        out.flush();
    }

    /** The name the kernel has for a native thread of this process, if /proc tells it. */
    public static String nativeThreadName(long tid) {
        try {
            return Files.readString(Path.of("/proc/self/task/" + tid + "/comm"), StandardCharsets.UTF_8).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    private static String jvmThreadPrint() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Object text = server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "threadPrint", new Object[] {new String[] {"-l"}},
                    new String[] {String[].class.getName()});
            return text instanceof String ? (String) text : null;
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    private static String fromThreadMXBean() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        StringBuilder b = new StringBuilder("(the JVM's thread dump is unavailable: built from ThreadMXBean,"
                + " no native ids)\n");
        for (ThreadInfo info : bean.dumpAllThreads(true, true)) {
            b.append('"').append(info.getThreadName()).append("\" #").append(info.getThreadId())
                    .append(info.isDaemon() ? " daemon" : "").append(" ").append(info.getThreadState());
            if (info.getLockName() != null) {
                b.append(" on ").append(info.getLockName());
            }
            if (info.getLockOwnerName() != null) {
                b.append(" owned by \"").append(info.getLockOwnerName()).append("\" #")
                        .append(info.getLockOwnerId());
            }
            b.append('\n');
            StackTraceElement[] stack = info.getStackTrace();
            for (int i = 0; i < stack.length; i++) {
                b.append("\tat ").append(stack[i]).append('\n');
                for (MonitorInfo m : info.getLockedMonitors()) {
                    if (m.getLockedStackDepth() == i) {
                        b.append("\t- locked ").append(m).append('\n');
                    }
                }
            }
            for (LockInfo l : info.getLockedSynchronizers()) {
                b.append("\t- locked synchronizer ").append(l).append('\n');
            }
            b.append('\n');
        }
        return b.toString();
    }
}
