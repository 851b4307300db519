package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * With -Dsigbridge.junit.dump.signal=USR1, a real kill -USR1 leaves a dump file named after this
 * test, and the run goes on. Without it the test has nothing to check and passes.
 */
class SignalDumpTest {
    @Test
    void killUsr1LeavesADump() throws Exception {
        if (!"USR1".equals(System.getProperty("sigbridge.junit.dump.signal"))) {
            return;
        }
        long pid = ProcessHandle.current().pid();
        Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -USR1");
        String name = "consumer.SignalDumpTest.killUsr1LeavesADump().USR1." + pid + ".txt";
        Path dir = Path.of(System.getProperty("sigbridge.test.dumps", "target/sigbridge-dumps"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(dir.resolve(name)) && Files.readString(dir.resolve(name)).contains("end of thread dump"))) {
            assertTrue(System.nanoTime() < deadline, "no " + name + " in " + dir + ": " + list(dir));
            Thread.sleep(20);
        }
        assertTrue(Files.readString(dir.resolve(name)).contains("SIGUSR1 from pid " + kill.pid()));
    }

    private static String list(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return "(no directory)";
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(Path::toString).reduce("", (a, b) -> a + " " + b);
        }
    }
}
