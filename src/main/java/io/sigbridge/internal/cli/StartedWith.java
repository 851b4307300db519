package io.sigbridge.internal.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.sigbridge.internal.Platform;

/**
 * What {@code java} was started with, as the kernel keeps it, for {@code run}'s child: the
 * argument and environment bytes (Linux: {@code /proc/self/cmdline} and
 * {@code /proc/self/environ}, the strings as they were exec'd, never decoded and re-encoded),
 * the signal mask (the launcher's first thread keeps it while the JVM runs on others with masks
 * of HotSpot's) and the descriptors it was given beyond 0-2 (read first thing, before this JVM
 * opens more, less the ones it opened while starting: its modules image, the class path).
 *
 * <p>All of this runs before the JVM execs the supervisor, on every {@code run}: no lambda, no
 * stream, no ProcessHandle here (each costs a cold JVM milliseconds to set up).
 *
 * <p>Elsewhere (macOS) there is no /proc: the strings are encoded back with the JVM's file-name
 * encoding, the mask is taken as empty and every descriptor is passed on.
 */
final class StartedWith {
    private static final Path PROC_SELF = Path.of("/proc/self");

    private final Charset charset;
    private final List<Integer> descriptors;
    private final List<String> notes = new ArrayList<>();

    private StartedWith(Charset charset, List<Integer> descriptors) {
        this.charset = charset;
        this.descriptors = descriptors;
    }

    /** Call before anything else opens a file: what is open now (less the JVM's) was inherited. */
    static StartedWith capture() {
        return new StartedWith(fileNameCharset(), Platform.current() == Platform.LINUX ? inheritedDescriptors() : null);
    }

    /** How the launcher decoded the command line into Strings. */
    static Charset fileNameCharset() {
        String name = System.getProperty("sun.jnu.encoding", System.getProperty("native.encoding"));
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    Charset charset() {
        return charset;
    }

    /** What had to be guessed rather than read (for --verbose). */
    List<String> notes() {
        return notes;
    }

    /** The descriptors above 2 to pass on, or null for all of them. */
    List<Integer> descriptors() {
        return descriptors;
    }

    /**
     * The bytes of the last {@code args.size()} words of the command line, which are
     * {@code args} (what follows the main class or jar). Each is checked against its String;
     * a mismatch (a launcher that rewrote its arguments) falls back to encoding the Strings.
     */
    List<byte[]> arguments(List<String> args) {
        List<byte[]> words = Platform.current() == Platform.LINUX ? nulSeparated(PROC_SELF.resolve("cmdline")) : null;
        if (words != null && words.size() >= args.size()) {
            List<byte[]> tail = words.subList(words.size() - args.size(), words.size());
            boolean same = true;
            for (int i = 0; i < args.size() && same; i++) {
                same = new String(tail.get(i), charset).equals(args.get(i));
            }
            if (same) {
                return new ArrayList<>(tail);
            }
            notes.add("/proc/self/cmdline does not end with run's arguments: encoding them back in " + charset);
        }
        List<byte[]> encoded = new ArrayList<>();
        for (String a : args) {
            encoded.add(a.getBytes(charset));
        }
        return encoded;
    }

    /** The environment {@code java} was exec'd with, entry by entry, as bytes. */
    List<byte[]> environment() {
        List<byte[]> entries = Platform.current() == Platform.LINUX ? nulSeparated(PROC_SELF.resolve("environ")) : null;
        if (entries != null) {
            return entries;
        }
        notes.add("no /proc/self/environ: the environment is encoded back in " + charset);
        String pid = Long.toString(ProcessHandle.current().pid());
        List<byte[]> encoded = new ArrayList<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            // The macOS launcher sets these for AWT; the user did not.
            if (e.getKey().equals("JAVA_MAIN_CLASS_" + pid) || e.getKey().equals("JAVA_STARTED_ON_FIRST_THREAD_" + pid)) {
                continue;
            }
            encoded.add((e.getKey() + "=" + e.getValue()).getBytes(charset));
        }
        return encoded;
    }

    /** /proc's SigBlk of the launcher's first thread (the thread-group leader), or null. */
    String signalMask() {
        if (Platform.current() != Platform.LINUX) {
            notes.add("no /proc: the child starts with no signal blocked");
            return null;
        }
        try {
            for (String line : Files.readAllLines(PROC_SELF.resolve("status"))) {
                if (line.startsWith("SigBlk:")) {
                    return line.substring("SigBlk:".length()).trim();
                }
            }
        } catch (IOException e) {
            // reported below
        }
        notes.add("cannot read SigBlk in /proc/self/status: the child starts with no signal blocked");
        return null;
    }

    private static List<byte[]> nulSeparated(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        List<byte[]> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == 0) {
                words.add(Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        if (start < all.length) {
            words.add(Arrays.copyOfRange(all, start, all.length)); // a last word without its NUL
        }
        return words;
    }

    private static List<Integer> inheritedDescriptors() {
        List<Path> jvmOwn = new ArrayList<>();
        addReal(jvmOwn, System.getProperty("java.home"));
        for (String property : List.of("java.class.path", "jdk.module.path")) {
            String value = System.getProperty(property);
            if (value != null) {
                for (String entry : value.split(File.pathSeparator)) {
                    addReal(jvmOwn, entry);
                }
            }
        }
        Path fdDirectory = PROC_SELF.resolve("fd");
        String listing; // the listing's own descriptor points there
        try {
            listing = "/proc/" + Files.readSymbolicLink(PROC_SELF) + "/fd"; // not ProcessHandle: its start-up costs
        } catch (IOException | RuntimeException e) {
            return null; // no /proc to read: pass everything on
        }
        List<Integer> kept = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDirectory)) {
            for (Path fd : fds) {
                int number;
                Path target;
                try {
                    number = Integer.parseInt(fd.getFileName().toString());
                    target = Files.readSymbolicLink(fd);
                } catch (IOException | NumberFormatException e) {
                    continue; // closed meanwhile
                }
                if (number <= 2 || target.toString().equals(listing)) {
                    continue;
                }
                if (target.isAbsolute() && underAny(target, jvmOwn)) {
                    continue; // the modules image, the jar: opened by this JVM as it started
                }
                kept.add(number);
            }
        } catch (IOException | RuntimeException e) {
            return null; // unknown: pass everything on
        }
        return kept;
    }

    private static boolean underAny(Path target, List<Path> roots) {
        for (Path root : roots) {
            if (target.startsWith(root)) {
                return true;
            }
        }
        return false;
    }

    private static void addReal(List<Path> paths, String path) {
        if (path == null || path.isBlank()) {
            return;
        }
        try {
            paths.add(Path.of(path).toRealPath());
        } catch (IOException | RuntimeException e) {
            // not there: nothing of it can be open
        }
    }
}
