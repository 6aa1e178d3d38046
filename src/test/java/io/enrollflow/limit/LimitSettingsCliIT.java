package io.enrollflow.limit;

import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.EnrollflowJar.Result;
import io.enrollflow.testing.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §12's settings with the built jar: a bad value stops start-up with one line naming its key, exit 2. */
class LimitSettingsCliIT {

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
            "ENROLLFLOW_ENROLL_RATE_LIMIT, 10 a second, enrollflow.enroll.rate-limit",
            "ENROLLFLOW_DOWNLOAD_MAX_CONCURRENT, two, enrollflow.download.max-concurrent",
            "ENROLLFLOW_DRIVE_MAX_UPLOAD_PER_DAY, 700 gigabytes, enrollflow.drive.max-upload-per-day"})
    void aBadLimitStopsStartUpWithOneLineNamingItsKey(String variable, String value, String key) {
        Result result = EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", redis.url())
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", "dl ${courseUrl} ${taskDir}")
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env(variable, value)
                .run("run");

        assertEquals(2, result.exitCode(), result.toString());
        List<String> lines = result.stderrLines();
        assertEquals(1, lines.size(), "one line: " + result);
        assertTrue(lines.get(0).contains(key + ": "), result.toString());
        assertFalse(result.stderr().contains("\tat ") || result.stderr().contains("Exception"), result.toString());
    }
}
