package io.enrollflow.cli;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.LogSettings;
import io.enrollflow.config.Settings;
import io.enrollflow.logging.Logging;
import io.enrollflow.management.ManagementServer;
import io.enrollflow.util.Causes;
import org.apache.camel.util.ObjectHelper;
import org.redisson.client.RedisConnectionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The top command. With no sub-command it runs the runtime ({@code run}). Exit codes (docs/contract.md §1): 0 success,
 * 1 the thing asked for does not exist or the operation failed, 2 a usage or configuration error — the latter as one
 * line naming the key, never a stack trace.
 */
@Command(name = "enrollflow", mixinStandardHelpOptions = true, versionProvider = EnrollflowCommand.Version.class,
        description = "Enrolls buyers, downloads their courses and delivers them, from a Redis queue.",
        subcommands = {RunCommand.class, DemoCommand.class, StatusCommand.class, DlqCommand.class, IntakeCommand.class,
                DriveCommand.class})
public class EnrollflowCommand implements Callable<Integer> {

    public static final int OK = 0;
    public static final int NOT_FOUND_OR_FAILED = 1;
    public static final int USAGE = 2;

    /** Sub-commands that print for a person: their logs stay at WARN so the output stays readable. */
    private static final Set<String> QUIET = Set.of("status", "dlq", "intake", "demo", "drive");

    @Option(names = "--config", description = "Settings file (default: ./application.properties, then the jar's copy)",
            scope = CommandLine.ScopeType.INHERIT)
    Path config;

    @Option(names = "--routes", description = "Folder of route YAML files (default: ./routes, then the jar's copy)",
            scope = CommandLine.ScopeType.INHERIT)
    Path routes;

    @Option(names = "--log-config", description = "Log4j 2 configuration file (default: the jar's log4j2.xml)",
            scope = CommandLine.ScopeType.INHERIT)
    Path logConfig;

    @Override
    public Integer call() throws Exception {
        return new RunCommand().run(this);
    }

    /** Loads the settings: the jar's copy, then --config or ./application.properties, then the environment. */
    Settings settings() {
        return Settings.load(config, System.getenv());
    }

    /**
     * The command line of this process ({@code main}): sets up logging ({@link Logging}) before the command runs, and
     * stops it (the asynchronous appender drained) before returning the exit code.
     */
    public static int executeAsProcess(String... args) {
        try {
            return execute(true, args);
        } finally {
            Logging.stop();
        }
    }

    /** Runs a command inside a JVM that has its logging already (tests): logging is left as it is. */
    public static int execute(String... args) {
        return execute(false, args);
    }

    private static int execute(boolean ownLogging, String... args) {
        CommandLine cli = new CommandLine(new EnrollflowCommand());
        cli.setExecutionStrategy(parseResult -> {
            if (ownLogging && !helpRequested(parseResult)) {
                try {
                    startLogging(parseResult);
                } catch (RuntimeException e) {
                    // to the handler below: a configuration error is one line and exit 2
                    throw new CommandLine.ExecutionException(cli, e.getMessage(), e);
                }
            }
            // before any JDK HTTP server exists (the demo's sample service is one): its limits are read once per process
            ManagementServer.limitSlowClients();
            return new CommandLine.RunLast().execute(parseResult);
        });
        // picocli answers a usage error with CommandLine.ExitCode.USAGE, which is our 2
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (ownLogging) {
                // the process ends: what is still queued is written before the error line
                Logging.stop();
            }
            PrintWriter err = commandLine.getErr();
            ConfigException config = ObjectHelper.getException(ConfigException.class, e);
            if (config != null) {
                err.println("enrollflow: configuration error: " + config.getMessage());
                err.flush();
                return USAGE;
            }
            // Redisson wraps its own: the innermost one names the address
            RedisConnectionException unreachable = Causes.deepest(e, RedisConnectionException.class);
            if (unreachable != null) {
                // an operator's command against a Redis that is down: say so in one line, not a stack trace
                err.println("enrollflow: cannot reach Redis (enrollflow.redis.url): " + unreachable.getMessage()
                        + " (" + Causes.root(unreachable).getMessage() + ")");
                err.flush();
                return NOT_FOUND_OR_FAILED;
            }
            err.println("enrollflow: " + e);
            e.printStackTrace(err);
            err.flush();
            return NOT_FOUND_OR_FAILED;
        });
        return cli.execute(args);
    }

    /**
     * Logging for the command about to run: the format from the settings ({@code enrollflow.log.format}), the
     * operator's {@code --log-config}, and warnings only for the commands that print for a person.
     */
    private static void startLogging(CommandLine.ParseResult parseResult) {
        EnrollflowCommand top = (EnrollflowCommand) parseResult.commandSpec().userObject();
        CommandLine.ParseResult sub = parseResult.subcommand();
        boolean quiet = sub != null && QUIET.contains(sub.commandSpec().name());
        Settings settings = top.settings();
        Logging.start(LogSettings.from(settings), top.logConfig, quiet);
    }

    private static boolean helpRequested(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                return true;
            }
        }
        return false;
    }

    /** The version from the jar's manifest. */
    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = EnrollflowCommand.class.getPackage().getImplementationVersion();
            return new String[] {"enrollflow " + (version == null ? "(development)" : version)};
        }
    }
}
