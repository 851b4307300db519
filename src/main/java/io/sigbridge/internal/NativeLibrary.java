package io.sigbridge.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import io.sigbridge.NativeLibraryException;

/**
 * Finds and loads the native library, once per class loader.
 *
 * <p>From the jar: {@code META-INF/native/<os>-<arch>/<library>} is copied into a fresh
 * temporary directory that only the current user can enter (never a predictable, shared
 * path), the copy is checked against the bytes read from the jar, and it is loaded by absolute
 * path. {@code -Dsigbridge.library.path=FILE-or-DIRECTORY} loads a library of your own build
 * instead. When the natives are linked already (the NAR plugin's generated
 * {@code io.sigbridge.internal.nar.NarSystem.loadLibrary()}, or the application's own
 * {@code System.loadLibrary("sigbridge")}), that library is used and nothing is loaded again.
 *
 * <p>On JDK 24 and later {@code System.load} is a restricted method (JEP 472): without native
 * access enabled for this code the JVM prints a warning, and sigbridge logs which flag to add
 * (see {@link NativeAccess}).
 *
 * <p>On Windows a loaded DLL cannot be deleted, not even at exit (deleteOnExit runs while it is
 * still mapped), so each JVM leaves its copy behind; the next JVM of the same user that extracts
 * removes the copies of JVMs that have ended (a DLL still loaded by a running JVM refuses deletion
 * and stays), never following a link or junction and never entering a directory someone else
 * owns.
 */
public final class NativeLibrary {
    public static final String PATH_PROPERTY = "sigbridge.library.path";
    private static final String RESOURCE_ROOT = "META-INF/native/";

    private static volatile boolean loaded;
    private static NativeLibraryException failure;
    private static Path extractionDirectory;

    private NativeLibrary() {}

    public static String libraryFileName() {
        return System.mapLibraryName("sigbridge");
    }

    /** Loads the library if it is not loaded yet; the same failure is reported on every call. */
    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (NativeLibrary.class) {
            if (loaded) {
                return;
            }
            if (failure != null) {
                throw new NativeLibraryException(failure.getMessage(), failure);
            }
            if (alreadyLinked()) {
                loaded = true;
                return;
            }
            try {
                Path library = locate();
                NativeAccess.warnIfDisabled();
                System.load(library.toAbsolutePath().toString());
                loaded = true;
                forgetExtractedCopy(library);
            } catch (NativeLibraryException e) {
                failure = e;
                throw e;
            } catch (IOException | UnsatisfiedLinkError | RuntimeException e) {
                String advice = NativeAccess.disabledMessage();
                failure = new NativeLibraryException(
                        "sigbridge could not load its native library for " + describePlatform()
                                + ": " + e + (advice == null ? "" : "\n" + advice), e);
                throw failure;
            }
        }
    }

    /**
     * Whether this class loader has the JNI library already: someone loaded it before the first
     * use of sigbridge. An unlinked native method throws {@link UnsatisfiedLinkError} and is
     * linked again on its next call, so asking does not get in the way of loading it later.
     */
    private static boolean alreadyLinked() {
        try {
            NativeSignals.platformInfo(new int[4]);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static Path locate() throws IOException {
        String override = System.getProperty(PATH_PROPERTY);
        if (override != null && !override.isBlank()) {
            Path path = Path.of(override);
            if (Files.isDirectory(path)) {
                path = path.resolve(libraryFileName());
            }
            if (!Files.isRegularFile(path)) {
                throw new NativeLibraryException("-D" + PATH_PROPERTY + "=" + override
                        + " does not name the library: " + path + " is not a file");
            }
            return path;
        }
        return extract(libraryFileName(), false);
    }

    /**
     * Copies one file of this platform's native directory out of the jar into the private
     * extraction directory and returns its path.
     */
    public static synchronized Path extract(String fileName, boolean executable) throws IOException {
        String resource = RESOURCE_ROOT + Platform.current().nativeDirectory() + "/" + fileName;
        ClassLoader loader = NativeLibrary.class.getClassLoader();
        byte[] expected;
        Path target;
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new NativeLibraryException(missingMessage(resource));
            }
            target = privateDirectory().resolve(fileName);
            // A second extraction of the same file must not write into the first copy: that copy
            // is read-only (EACCES for anyone but root), may be running (ETXTBSY) or mapped as a
            // loaded library. Unlinking it leaves users of the old inode undisturbed.
            Files.deleteIfExists(target);
            // The bytes are compared as they are, not through a digest: a SHA-256 of the library
            // is hot enough for a C2 compile still running when a short main returns, and the
            // JVM's exit waits for compiler threads (about 11 ms of every short JVM's exit).
            expected = in.readAllBytes();
            Files.write(target, expected, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        byte[] actual = Files.readAllBytes(target);
        if (!Arrays.equals(expected, actual)) {
            throw new NativeLibraryException("the extracted copy of " + resource + " at " + target
                    + " differs from the jar's bytes: refusing to load it");
        }
        if (isPosixFileSystem()) {
            Set<PosixFilePermission> mode = executable
                    ? EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_EXECUTE)
                    : EnumSet.of(PosixFilePermission.OWNER_READ);
            Files.setPosixFilePermissions(target, mode);
        }
        target.toFile().deleteOnExit();
        return target;
    }

    /**
     * On POSIX a loaded library stays mapped after its file is unlinked: remove our copy now, so
     * a JVM that dies by a signal leaves nothing behind in the temporary directory.
     */
    private static void forgetExtractedCopy(Path library) {
        if (!isPosixFileSystem() || extractionDirectory == null
                || !library.startsWith(extractionDirectory)) {
            return;
        }
        try {
            Files.deleteIfExists(library);
            Files.deleteIfExists(extractionDirectory);
            extractionDirectory = null;
        } catch (IOException e) {
            // deleteOnExit is still registered for both
        }
    }

    private static Path privateDirectory() throws IOException {
        if (extractionDirectory == null) {
            if (isPosixFileSystem()) {
                extractionDirectory = Files.createTempDirectory("sigbridge-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                extractionDirectory = Files.createTempDirectory("sigbridge-");
            }
            extractionDirectory.toFile().deleteOnExit();
            if (Platform.current() == Platform.WINDOWS) {
                removeStaleCopies(extractionDirectory.getParent(), ownerOf(extractionDirectory),
                        System.currentTimeMillis() - 60_000, extractionDirectory);
            }
        }
        return extractionDirectory;
    }

    private static UserPrincipal ownerOf(Path path) {
        try {
            return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return null; // then nothing is ours to remove
        }
    }

    /**
     * Deletes the {@code sigbridge-*} directories in {@code temp} that a JVM of {@code owner}
     * left behind (on Windows a loaded DLL cannot be deleted, so each JVM leaves its copy) and
     * whose files no running JVM holds. Those modified after {@code youngerThan} are left alone:
     * another JVM may be between extracting and loading.
     *
     * <p>The temporary directory may be shared (a service's {@code C:\Windows\Temp}): anyone
     * can create a {@code sigbridge-x} there, and a junction (a reparse point that passes for a
     * directory even without following links) would make this JVM, perhaps SYSTEM, delete the
     * files of a directory of the creator's choice. So only a real directory, no link and no
     * reparse point, owned by {@code owner} (this JVM's own new directory tells who that is),
     * is entered, and only regular files in it are deleted.
     */
    static void removeStaleCopies(Path temp, UserPrincipal owner, long youngerThan, Path keep) {
        if (owner == null) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(temp, "sigbridge-*")) {
            for (Path dir : dirs) {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(dir,
                            BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (dir.equals(keep) || !attributes.isDirectory() || attributes.isSymbolicLink()
                            || attributes.isOther() || attributes.lastModifiedTime().toMillis() > youngerThan
                            || !owner.equals(Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS))) {
                        continue;
                    }
                    removeRegularFilesAndDirectory(dir);
                } catch (IOException | UnsupportedOperationException e) {
                    // in use by a running JVM, or not ours to delete: leave it
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort only
        }
    }

    private static void removeRegularFilesAndDirectory(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(f); // fails while a running JVM has it loaded
                }
            }
        }
        Files.deleteIfExists(dir); // fails unless it is empty now
    }

    private static boolean isPosixFileSystem() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }


    private static String describePlatform() {
        return Platform.current().nativeDirectory() + " (os.name=" + System.getProperty("os.name")
                + ", os.arch=" + System.getProperty("os.arch") + ")";
    }

    private static String missingMessage(String resource) {
        return "sigbridge has no native library for " + describePlatform() + ": this jar has no "
                + resource + ". Build one from the project's sources with\n"
                + "  cmake -S . -B build -DSIGBRIDGE_JAVA_HOME=$JAVA_HOME "
                + "-DSIGBRIDGE_JNI_HEADERS=target/native-headers && cmake --build build\n"
                + "and run with -D" + PATH_PROPERTY + "=build/out/" + libraryFileName();
    }
}
