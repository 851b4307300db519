package io.sigbridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sigbridge.testsupport.ChildProcess;

/** How the library is found, in child JVMs: the override property and a platform with no library. */
class NativeLibraryLoadingTest {
    private static String[] runList(String... jvmOptions) throws Exception {
        try (ChildProcess list = ChildProcess.java(io.sigbridge.internal.cli.Main.class)
                .classPath(System.getProperty("sigbridge.test.classes")).jvmOptions(jvmOptions).args("list")
                .mergeStderr().exitTimeout(Duration.ofSeconds(60)).start()) {
            int status = list.awaitExit();
            return new String[] {Integer.toString(status), list.output()};
        }
    }

    private static Path builtLibraryDirectory() {
        return Path.of(System.getProperty("sigbridge.test.classes"), "META-INF", "native",
                Platform.current().nativeDirectory());
    }

    @Test
    void theOverridePropertyLoadsALibraryFromADirectoryOrAFile() throws Exception {
        Path dir = builtLibraryDirectory();
        for (Path target : List.of(dir, dir.resolve(NativeLibrary.libraryFileName()))) {
            String[] r = runList("-D" + NativeLibrary.PATH_PROPERTY + "=" + target);
            assertEquals("0", r[0], r[1]);
            assertTrue(r[1].contains("SIGTERM") && r[1].contains("usable"), r[1]);
        }
    }

    @Test
    void aWrongOverrideSaysWhatIsWrong() throws Exception {
        String[] r = runList("-D" + NativeLibrary.PATH_PROPERTY + "=/no/such/libsigbridge.so");
        assertEquals("1", r[0], r[1]);
        assertTrue(r[1].contains("NativeLibraryException") && r[1].contains("does not name the library"), r[1]);
    }

    @Test
    void aPlatformWithoutALibrarySaysWhichAndHowToBuildOne() throws Exception {
        String[] r = runList("-Dos.arch=riscv64");
        assertEquals("1", r[0], r[1]);
        assertTrue(r[1].contains("no native library for linux-riscv64"), r[1]);
        assertTrue(r[1].contains("cmake -S . -B build"), r[1]);
    }
}
