import java.util.ServiceLoader;

import org.junit.platform.launcher.TestExecutionListener;

/**
 * Run by ci/consumers.sh in source-file mode with sigbridge's two jars and JUnit's on the module
 * path: the JVM resolves module io.sigbridge.junit (JDK 17 checks every requires and provides
 * then), and the ServiceLoader finds its listener through `provides`, as JUnit's launcher does.
 */
public class ListListeners {
    public static void main(String[] args) {
        for (TestExecutionListener l : ServiceLoader.load(TestExecutionListener.class)) {
            System.out.println("listener " + l.getClass().getName() + " in module " + l.getClass().getModule().getName());
        }
    }
}
