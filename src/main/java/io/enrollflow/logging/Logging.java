package io.enrollflow.logging;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.LogSettings;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.impl.Log4jContextFactory;
import org.apache.logging.log4j.status.StatusData;
import org.apache.logging.log4j.status.StatusListener;
import org.apache.logging.log4j.status.StatusLogger;

import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Log4j 2 for the process {@code java -jar enrollflow.jar} starts, set up before its first line: the command line calls
 * {@link #start} once it knows the settings and before any command runs, and {@link #stop} as the process ends.
 * <ol>
 *   <li>the secrets of the settings are handed to {@link Scrub}, which every layout of the jar applies, before any
 *       client that could log one exists;</li>
 *   <li>{@code enrollflow.log.format} and the root level of quiet commands become the system properties the
 *       configuration reads ({@code log4j2.xml});</li>
 *   <li>the configuration is the operator's ({@code --log-config FILE}, or Log4j's own
 *       {@code -Dlog4j2.configurationFile}) or the jar's {@code log4j2.xml};</li>
 *   <li>Log4j's own status messages are taken from its console: a mistake in the configuration stops start-up with one
 *       line naming the option (exit 2), and a later error of Log4j's is one line on stderr, never a stack trace;</li>
 *   <li>{@link #stop} drains the asynchronous appender, so the last lines of a stopping instance are written.</li>
 * </ol>
 * Tests that run commands inside their own JVM skip both steps and keep the test configuration (log4j2-test.xml).
 */
public final class Logging {

    /** The setting, and the system property {@code log4j2.xml} reads it from. */
    public static final String FORMAT = LogSettings.FORMAT;
    /** The root logger's level in {@code log4j2.xml}; info unless a quiet command or the operator ({@code -D}) says. */
    public static final String ROOT_LEVEL = "enrollflow.log.root-level";
    /** Log4j's own: the configuration file (a path or a URI). */
    static final String LOG4J_CONFIGURATION_FILE = "log4j2.configurationFile";
    /** Log4j's own: set, the operator wants Log4j's status messages on the console (debugging a configuration). */
    static final String LOG4J_STATUS_LEVEL = "log4j2.StatusLogger.level";

    private static volatile boolean started;

    private Logging() {
    }

    /**
     * Sets up Log4j for this process.
     *
     * @param settings  the format ({@code text} or {@code json}, checked already: the setting {@value #FORMAT}) and
     *                  the secrets no line may show
     * @param logConfig the file named by {@code --log-config}, or null
     * @param quiet     a command that prints for a person: only warnings and errors are logged
     * @throws ConfigException naming {@code --log-config} or {@code log4j2.configurationFile} when the file cannot be
     *                         read or Log4j reports an error while setting it up
     */
    public static void start(LogSettings settings, Path logConfig, boolean quiet) {
        Scrub.secrets(settings.secrets());
        System.setProperty(FORMAT, settings.format());
        if (quiet && System.getProperty(ROOT_LEVEL) == null) {
            System.setProperty(ROOT_LEVEL, "warn");
        }
        String option = null;
        if (logConfig != null) {
            option = "--log-config";
            if (!Files.isRegularFile(logConfig) || !Files.isReadable(logConfig)) {
                throw new ConfigException(option, "cannot read " + logConfig.toAbsolutePath());
            }
            checkXml(option, logConfig);
            System.setProperty(LOG4J_CONFIGURATION_FILE, logConfig.toAbsolutePath().toUri().toString());
        } else if (System.getProperty(LOG4J_CONFIGURATION_FILE) != null) {
            option = LOG4J_CONFIGURATION_FILE;
        }
        StatusErrors errors = System.getProperty(LOG4J_STATUS_LEVEL) == null ? StatusErrors.listen() : null;
        // a class loaded before this point may have made a context with the properties still unset
        boolean madeBefore = !((Log4jContextFactory) LogManager.getFactory()).getSelector().getLoggerContexts().isEmpty();
        LoggerContext context = LoggerContext.getContext(false);
        if (madeBefore) {
            context.reconfigure();
        }
        started = true;
        if (errors != null) {
            String error = errors.endSetUp();
            if (error != null) {
                throw new ConfigException(option != null ? option : "log4j2.xml", error);
            }
        }
    }

    /**
     * An XML file that is not well-formed, said in one line: Log4j would say it too, but the JDK's parser also prints
     * its own {@code [Fatal Error]} line on stderr. Other formats (JSON, YAML, properties) are left to Log4j.
     */
    private static void checkXml(String option, Path file) {
        if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml")) {
            return;
        }
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            // the default handler prints warnings and errors itself; a fatal one is thrown either way
            builder.setErrorHandler(new DefaultHandler());
            builder.parse(file.toFile());
        } catch (SAXParseException e) {
            throw new ConfigException(option, file.toAbsolutePath() + " is not well-formed XML (line " + e.getLineNumber()
                    + "): " + e.getMessage());
        } catch (Exception e) {
            throw new ConfigException(option, "cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    /** Writes what is still queued and stops logging; a no-op unless {@link #start} ran. */
    public static void stop() {
        if (started) {
            started = false;
            LogManager.shutdown(false, true);
        }
    }

    /**
     * Takes Log4j's status messages instead of its console listener (which Log4j drops while another listener is
     * registered). While the configuration is set up it keeps the first error; after that, each error is one line on
     * stderr, without its stack trace.
     */
    private static final class StatusErrors implements StatusListener {

        private volatile boolean settingUp = true;
        private volatile String first;

        static StatusErrors listen() {
            StatusErrors listener = new StatusErrors();
            StatusLogger.getLogger().registerListener(listener);
            return listener;
        }

        String endSetUp() {
            settingUp = false;
            return first;
        }

        @Override
        public void log(StatusData data) {
            String text = data.getMessage().getFormattedMessage();
            if (data.getThrowable() != null && data.getThrowable().getMessage() != null) {
                text += ": " + data.getThrowable().getMessage();
            }
            text = text.replaceAll("\\s+", " ").trim();
            if (settingUp) {
                if (first == null) {
                    first = text;
                }
            } else {
                System.err.println("enrollflow: logging: " + text);
            }
        }

        @Override
        public Level getStatusLevel() {
            return Level.ERROR;
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
