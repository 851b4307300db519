package io.sigbridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every Linux directory under META-INF/native/ holds ELF files of its own architecture (a
 * cross-build that silently fell back to the host compiler would put x86_64 code under
 * linux-aarch64), and this JVM's directory is among them.
 */
class NativeDirectoriesTest {
    /** ELF e_machine by directory. */
    private static final Map<String, Integer> MACHINE = Map.of("linux-x86_64", 62, "linux-aarch64", 183);
    private static final String[] FILES = {"libsigbridge.so", "sigbridge-helper", "sigbridge-exec", "sigbridge-run"};

    @Test
    void eachLinuxDirectoryHoldsItsOwnArchitecture() throws IOException {
        Path root = Path.of(System.getProperty("sigbridge.test.classes", "target/classes"), "META-INF", "native");
        assertTrue(Files.isDirectory(root.resolve(Platform.current().nativeDirectory())),
                "this JVM's platform " + Platform.current().nativeDirectory() + " is built");
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : (Iterable<Path>) dirs.filter(d -> d.getFileName().toString().startsWith("linux-"))::iterator) {
                String name = dir.getFileName().toString();
                Integer expected = MACHINE.get(name);
                assertTrue(expected != null, "a known Linux directory: " + name);
                for (String file : FILES) {
                    assertEquals(expected, elfMachine(dir.resolve(file)), name + "/" + file);
                }
            }
        }
    }

    private static int elfMachine(Path file) throws IOException {
        byte[] h = new byte[20];
        try (InputStream in = Files.newInputStream(file)) {
            assertEquals(20, in.readNBytes(h, 0, 20), file + " is long enough for an ELF header");
        }
        assertTrue(h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F', file + " is ELF");
        assertEquals(2, h[4], file + " is ELFCLASS64");
        return (h[18] & 0xff) | (h[19] & 0xff) << 8; // little-endian e_machine
    }
}
