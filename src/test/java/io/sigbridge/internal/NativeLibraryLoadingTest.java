package io.sigbridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.sigbridge.TestProcesses;

/** How the library is found, in child JVMs: the override property and a platform with no library. */
class NativeLibraryLoadingTest {
    private static String[] runList(String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>(TestProcesses.javaCommand());
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("sigbridge.test.classes"),
                "io.sigbridge.internal.cli.Main", "list"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        return new String[] {Integer.toString(p.exitValue()), out};
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
