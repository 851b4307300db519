package io.sigbridge.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code /proc} says about processes (Linux). A zombie counts as gone: it has ended and
 * only waits to be reaped, while {@link ProcessHandle#isAlive()} still reports it alive.
 */
public final class ProcessTable {
    private static final Path PROC = Path.of("/proc");

    private ProcessTable() {}

    /** One line of {@code /proc/<pid>/stat}: the fields this library needs. */
    public static final class Entry {
        public final long pid;
        public final char state;
        public final long parentPid;
        public final long groupId;

        Entry(long pid, char state, long parentPid, long groupId) {
            this.pid = pid;
            this.state = state;
            this.parentPid = parentPid;
            this.groupId = groupId;
        }

        public boolean isZombie() {
            return state == 'Z' || state == 'X';
        }
    }

    public static boolean available() {
        return Files.isDirectory(PROC.resolve("self"));
    }

    public static Optional<Entry> read(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"),
                    StandardCharsets.UTF_8);
            // "pid (comm) S ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ')'
            int close = stat.lastIndexOf(')');
            String[] f = stat.substring(close + 2).split(" ");
            return Optional.of(new Entry(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone, or not readable
        }
    }

    /** True when the process exists and has not ended (a zombie has ended). */
    public static boolean isRunning(long pid) {
        return read(pid).map(e -> !e.isZombie()).orElse(false);
    }

    public static List<Entry> all() {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path dir : dirs) {
                read(Long.parseLong(dir.getFileName().toString())).ifPresent(entries::add);
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable /proc leaves the list short; callers treat that as "none found"
        }
        return entries;
    }

    /** Members of a process group that have not ended. */
    public static List<Long> runningMembers(long groupId) {
        List<Long> members = new ArrayList<>();
        for (Entry e : all()) {
            if (e.groupId == groupId && !e.isZombie()) {
                members.add(e.pid);
            }
        }
        return members;
    }

    /** Ended children of {@code parentPid} that nobody has reaped yet. */
    public static List<Long> zombieChildren(long parentPid) {
        List<Long> zombies = new ArrayList<>();
        for (Entry e : all()) {
            if (e.parentPid == parentPid && e.isZombie()) {
                zombies.add(e.pid);
            }
        }
        return zombies;
    }
}
