package io.enrollflow;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assertions.assertEquals;

@EnabledOnOs(OS.LINUX)
class EnrollflowTest {

    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(Enrollflow.LAUNCH_MECHANISM);
        System.clearProperty(Enrollflow.LAUNCH_MECHANISM);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(Enrollflow.LAUNCH_MECHANISM);
        } else {
            System.setProperty(Enrollflow.LAUNCH_MECHANISM, before);
        }
    }

    @Test
    void onJava17DownloadsStartByVforkWithoutTheSpawnHelper() {
        Enrollflow.launchProcessesByVfork();

        assertEquals(Runtime.version().feature() < 21 ? "VFORK" : null, System.getProperty(Enrollflow.LAUNCH_MECHANISM));
    }

    @Test
    void theOperatorsOwnLaunchMechanismWins() {
        System.setProperty(Enrollflow.LAUNCH_MECHANISM, "POSIX_SPAWN");

        Enrollflow.launchProcessesByVfork();

        assertEquals("POSIX_SPAWN", System.getProperty(Enrollflow.LAUNCH_MECHANISM));
    }
}
