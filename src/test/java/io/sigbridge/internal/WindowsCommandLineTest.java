package io.sigbridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The Windows command line and environment block ProcessGroups.start builds (pure Java, so it
 * runs on every platform; the Windows tests check that a real child parses it back).
 */
class WindowsCommandLineTest {
    private static String line(String... command) {
        return WindowsGroupProcess.commandLine(List.of(command));
    }

    @Test
    void argumentsAreQuotedForTheCRuntimesParser() {
        assertEquals("prog a b", line("prog", "a", "b"));
        assertEquals("\"C:\\Program Files\\x.exe\" \"two words\"", line("C:\\Program Files\\x.exe", "two words"));
        assertEquals("prog \"\"", line("prog", ""));
        assertEquals("prog \"say \\\"hi\\\"\"", line("prog", "say \"hi\""));
        assertEquals("prog back\\slash trailing\\", line("prog", "back\\slash", "trailing\\"));
        assertEquals("prog \"spaced trailing\\\\\"", line("prog", "spaced trailing\\"));
        assertEquals("prog \"x\\\\\\\"y\"", line("prog", "x\\\"y"));
        assertEquals("prog \"tab\there\"", line("prog", "tab\there"));
    }

    @Test
    void whatCannotBeExpressedIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> line("pro\"g"));
        assertThrows(IllegalArgumentException.class, () -> line("prog", "nul\0inside"));
    }

    @Test
    void environmentBlockIsSortedCaseInsensitivelyAndDoublyTerminated() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("b", "2");
        env.put("A", "1");
        env.put("SystemRoot", "C:\\Windows");
        assertEquals("A=1\0b=2\0SystemRoot=C:\\Windows\0\0", WindowsGroupProcess.environmentBlock(env));
        Map<String, String> bad = Map.of("X=Y", "1");
        assertThrows(IllegalArgumentException.class, () -> WindowsGroupProcess.environmentBlock(bad));
    }
}
