package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.sigbridge.internal.NativeSignals;
import io.sigbridge.testsupport.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refusals: each a typed exception with a reason, each installing nothing. */
class ReservedAndBadInputTest {
    private static final List<String> RESERVED = List.of("KILL", "STOP", "SEGV", "BUS", "FPE", "ILL",
            "TRAP", "PIPE", "XFSZ", "USR2", "QUIT");

    @Test
    void reservedSignalsAreRefusedWithAReasonAndNothingIsInstalled() {
        assumeTrue(System.getenv("_JAVA_SR_SIGNUM") == null, "USR2 is HotSpot's SR signal only by default");
        Signals.stats(Signal.WINCH); // the library is loaded, the dispatcher runs
        for (String name : RESERVED) {
            Signal s = Signal.named(name);
            int disposition = NativeSignals.disposition(s.number());
            long handler = NativeSignals.handlerAddress(s.number());
            Optional<String> reason = Signals.reservation(s);
            assertTrue(reason.isPresent(), name + " should be reserved in a JVM without -Xrs");

            ReservedSignalException viaHandle = assertThrows(ReservedSignalException.class,
                    () -> Signals.handle(s, e -> { }), "handle(" + name + ")");
            assertEquals(s, viaHandle.signal());
            assertEquals(reason.get(), viaHandle.reason());
            assertTrue(viaHandle.getMessage().contains(reason.get()), viaHandle.getMessage());
            assertThrows(ReservedSignalException.class, () -> Signals.handle(s, e -> { }, Chain.PREVIOUS));
            assertThrows(ReservedSignalException.class, () -> Signals.handle(s, e -> { }, Runnable::run));
            ReservedSignalException viaSubscribe = assertThrows(ReservedSignalException.class,
                    () -> Signals.subscribe(s), "subscribe(" + name + ")");
            assertFalse(viaSubscribe.reason().isBlank());

            assertEquals(disposition, NativeSignals.disposition(s.number()), name + " disposition changed");
            assertEquals(handler, NativeSignals.handlerAddress(s.number()), name + " handler changed");
            assertTrue(disposition != NativeSignals.DISPOSITION_SIGBRIDGE, name + " is sigbridge's");
        }
    }

    @Test
    void subscribingToAReservedSignalAmongOthersInstallsNoneOfThem() {
        Signal rt = Signal.realtime(7);
        long winch = NativeSignals.handlerAddress(Signal.WINCH.number());
        long rtHandler = NativeSignals.handlerAddress(rt.number());
        assertThrows(ReservedSignalException.class, () -> Signals.subscribe(Signal.WINCH, rt, Signal.named("SEGV")));
        assertEquals(winch, NativeSignals.handlerAddress(Signal.WINCH.number()));
        assertEquals(rtHandler, NativeSignals.handlerAddress(rt.number()));
    }

    @Test
    void faultSignalsCannotBeRaisedOrSentToOurselves() {
        for (String name : List.of("SEGV", "BUS", "FPE", "ILL", "TRAP")) {
            Signal s = Signal.named(name);
            ReservedSignalException e = assertThrows(ReservedSignalException.class, () -> Signals.raise(s), name);
            assertTrue(e.reason().contains("HotSpot"), e.reason());
            assertThrows(ReservedSignalException.class, () -> Signals.send(TestProcesses.ourPid(), s));
            assertThrows(ReservedSignalException.class, () -> Signals.send(TestProcesses.ourPid(), s, 1));
        }
    }

    @Test
    void unknownNamesAndNumbersListTheNamesThatExist() {
        for (IllegalArgumentException e : List.of(
                assertThrows(IllegalArgumentException.class, () -> Signal.named("NOPE")),
                assertThrows(IllegalArgumentException.class, () -> Signal.ofNumber(999)),
                assertThrows(IllegalArgumentException.class, () -> Signal.ofNumber(0)))) {
            String m = e.getMessage();
            for (String listed : List.of("HUP", "TERM", "USR1", "WINCH", "KILL", "RTMIN+0")) {
                assertTrue(m.contains(listed), "'" + m + "' does not list " + listed);
            }
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Signal.named("NOPE"))
                .getMessage().contains("NOPE"));
        assertThrows(IllegalArgumentException.class, () -> Signal.named("RTMIN+x"));
        assertThrows(IllegalArgumentException.class, () -> Signal.named("RTMAX+1"));
        assertThrows(IllegalArgumentException.class, () -> Signal.named("RTMIN-1"));
        assertThrows(IllegalArgumentException.class, () -> Signal.realtime(-1));
        // glibc keeps the first kernel real-time signals (32, 33 on Linux) for itself
        int rtmin = Signal.realtime(0).number();
        assertTrue(rtmin > 31, "RTMIN " + rtmin);
        for (int n = 32; n < rtmin; n++) {
            final int number = n;
            assertThrows(IllegalArgumentException.class, () -> Signal.ofNumber(number), "number " + n);
        }
    }

    @Test
    void namesNumbersAndRealtimeOffsetsRoundTrip() {
        assertEquals(Signal.TERM, Signal.named("SIGTERM"));
        assertEquals(Signal.TERM, Signal.named("term"));
        assertEquals("TERM", Signal.named(" sigterm ").name());
        assertEquals(15, Signal.TERM.number());
        assertEquals(Signal.TERM, Signal.ofNumber(Signal.TERM.number()));

        Signal rt3 = Signal.named("RTMIN+3");
        assertEquals(Signal.realtime(3), rt3);
        assertEquals("RTMIN+3", rt3.name());
        assertTrue(rt3.isRealtime());
        assertFalse(Signal.TERM.isRealtime());

        List<Signal> realtime = new ArrayList<>();
        for (Signal s : Signal.all()) {
            if (s.isRealtime()) {
                realtime.add(s);
            }
        }
        assertTrue(realtime.size() >= 8, "real-time signals here: " + realtime);
        Signal last = realtime.get(realtime.size() - 1);
        Signal rtmaxMinus1 = Signal.named("RTMAX-1");
        assertEquals(last.number() - 1, rtmaxMinus1.number());
        assertEquals(Signal.named("SIGRTMAX"), last);
        assertEquals(rtmaxMinus1, Signal.realtime(realtime.size() - 2));
        for (int k = 0; k < realtime.size(); k++) {
            Signal s = Signal.realtime(k);
            assertEquals(realtime.get(k), s);
            assertEquals("RTMIN+" + k, s.name());
            assertEquals(s, Signal.named(s.name()));
            assertEquals(s, Signal.ofNumber(s.number()));
            assertEquals(s.name(), Signal.ofNumber(s.number()).name());
        }
        assertThrows(IllegalArgumentException.class, () -> Signal.realtime(realtime.size()));
        for (Signal s : Signal.all()) {
            assertEquals(s, Signal.named(s.name()), s.toString());
            assertEquals(s.name(), Signal.ofNumber(s.number()).name(), s.toString());
        }
    }

    @Test
    void groupAndEveryoneTargetsAreRefused() {
        for (long pid : new long[] {0, -1, -42}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Signals.send(pid, Signal.WINCH), "send to " + pid);
            assertTrue(e.getMessage().contains("sendToGroup"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Signals.send(pid, Signal.WINCH, 1));
        }
        for (long pgid : new long[] {0, 1, -5}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Signals.sendToGroup(pgid, Signal.WINCH), "sendToGroup " + pgid);
            assertTrue(e.getMessage().contains(Long.toString(pgid)), e.getMessage());
        }
    }

    @Test
    void sendingToADeadProcessIsNoSuchProcess() throws Exception {
        long dead;
        try (ChildProcess t = ChildProcess.command(List.of("true")).mergeStderr().start()) {
            t.awaitSuccess(); // waitFor reaps it: the pid is free now
            dead = t.pid();
        }
        NoSuchProcessException e = assertThrows(NoSuchProcessException.class,
                () -> Signals.send(dead, Signal.WINCH));
        assertTrue(e.getMessage().contains("No such process"), e.getMessage());
        assertTrue(e.getMessage().contains(Long.toString(dead)), e.getMessage());
        assertEquals(3, e.errorCode());
        NoSuchProcessException q = assertThrows(NoSuchProcessException.class,
                () -> Signals.send(dead, Signal.WINCH, 7));
        assertTrue(q.getMessage().contains("No such process"), q.getMessage());
    }

    /**
     * A sender without permission: a child JVM run as {@code nobody} tries to send us USR1. Our
     * own USR1 handler is registered meanwhile (USR1 would otherwise end this JVM if the send
     * went through) and must see only the sentinel we send afterwards.
     */
    @Test
    void aSenderRunningAsAnotherUserGetsSignalPermissionException(@TempDir Path temp) throws Exception {
        assumeTrue(TestProcesses.ourUid() == 0, "runuser needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser")),
                "runuser is not installed");
        // Under qemu the JVM is the aarch64 JRE unpacked in target/: in a checkout inside a
        // directory only its owner may enter (mktemp -d, a 0700 home), nobody cannot start it.
        Optional<Path> closed = closedToOthers(Path.of(TestProcesses.javaExecutable()));
        assumeTrue(closed.isEmpty(), () -> "nobody may not enter " + closed.orElseThrow()
                + ", on the way to this JVM's java");
        Path classes = copyReadableByEveryone(TestProcesses.classes(), temp.resolve("classes"));
        SignalSubscription sub = Signals.subscribe(Signal.USR1);
        try {
            String output;
            int status;
            List<String> command = new ArrayList<>(List.of("runuser", "-u", "nobody", "--"));
            command.addAll(TestProcesses.javaCommand());
            command.addAll(List.of("-Djava.io.tmpdir=" + temp.resolve("tmp"), "-cp", classes.toString(),
                    "io.sigbridge.internal.cli.Main", "send", Long.toString(TestProcesses.ourPid()), "USR1"));
            try (ChildProcess child = ChildProcess.command(command).mergeStderr().start()) {
                status = child.awaitExit();
                output = child.output();
            }
            assertEquals(1, status, "exit status of the unprivileged send; output: " + output);
            assertTrue(output.contains("SignalPermissionException"), output);
            assertTrue(output.contains("Operation not permitted"), output);

            Signals.send(TestProcesses.ourPid(), Signal.USR1, 31337); // the sentinel
            SignalEvent e = sub.poll(Duration.ofSeconds(TestProcesses.WAIT_SECONDS));
            assertNotNull(e, "the sentinel did not arrive");
            assertEquals(TestProcesses.ourPid(), e.senderPid().orElse(-1), "first USR1 event: " + e);
            assertEquals(31337, e.value().orElse(-1), "first USR1 event: " + e);
            assertTrue(TestProcesses.awaitNotPending(Signal.USR1));
            TestProcesses.awaitQuiescentStats(Signal.USR1);
            assertEquals(0, sub.size(), "more USR1 events than the sentinel");
        } finally {
            SenderIdentityTest.closeWhenQuiet(sub, Signal.USR1);
        }
    }

    /** In-process: a process of another user, which we may not signal unless we are root. */
    @Test
    void sendingToAnotherUsersProcessIsSignalPermissionException() throws Exception {
        int us = TestProcesses.ourUid();
        assumeFalse(us == 0, "root may signal every process");
        Optional<Long> target;
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            target = all.map(ProcessHandle::pid).filter(pid -> ownerOf(pid) >= 0 && ownerOf(pid) != us)
                    .findFirst();
        }
        assumeTrue(target.isPresent(), "no process of another user is visible here");
        SignalPermissionException e = assertThrows(SignalPermissionException.class,
                () -> Signals.send(target.get(), Signal.WINCH));
        assertTrue(e.getMessage().contains("Operation not permitted"), e.getMessage());
        assertEquals(1, e.errorCode());
    }

    private static int ownerOf(long pid) {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc", Long.toString(pid)), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** target/classes lives under a directory `nobody` may not enter: copy it with open modes. */
    /** The first directory on the way to {@code file} that other users may not search, if any. */
    private static Optional<Path> closedToOthers(Path file) throws IOException {
        for (Path dir = file.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
            if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    private static Path copyReadableByEveryone(Path from, Path to) throws IOException {
        Files.setPosixFilePermissions(to.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createDirectories(to.getParent().resolve("tmp"));
        Files.setPosixFilePermissions(to.getParent().resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path d = to.resolve(from.relativize(dir).toString());
                Files.createDirectories(d);
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path f = to.resolve(from.relativize(file).toString());
                Files.copy(file, f);
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
                return FileVisitResult.CONTINUE;
            }
        });
        return to;
    }
}
