package io.enrollflow.enroll;

import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §10, secrets never logged: Apache HttpClient (the enrollment call) writes every header it sends, the
 * {@code Authorization: Bearer <token>} among them, to its headers and wire loggers at DEBUG. The jar's log4j2.xml
 * holds those two at INFO even when the root level is lowered to DEBUG.
 */
class EnrollmentTokenLoggingTest {

    private static final String ROOT_LEVEL = "enrollflow.log.root-level";

    @Test
    void theJarsLogConfigKeepsHttpClientsHeaderAndWireLogsOffAtARootLevelOfDebug() throws Exception {
        String before = System.getProperty(ROOT_LEVEL);
        System.setProperty(ROOT_LEVEL, "debug");
        LoggerContext context = new LoggerContext("the jar's log4j2.xml");
        try (InputStream xml = getClass().getClassLoader().getResourceAsStream("log4j2.xml")) {
            context.start(new XmlConfiguration(context, new ConfigurationSource(xml)));

            assertTrue(context.getLogger("org.apache.hc.client5.http.impl.classic.MainClientExec").isDebugEnabled(),
                    "the root level is debug");
            assertFalse(context.getLogger("org.apache.hc.client5.http.headers").isDebugEnabled());
            assertFalse(context.getLogger("org.apache.hc.client5.http.wire").isDebugEnabled());
        } finally {
            context.stop();
            if (before == null) {
                System.clearProperty(ROOT_LEVEL);
            } else {
                System.setProperty(ROOT_LEVEL, before);
            }
        }
    }
}
