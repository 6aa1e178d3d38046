package io.enrollflow.cli;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.Settings;
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
 * The top command. With no sub-command it runs the runtime ({@code run}). Exit codes (CONTRACT §1): 0 success,
 * 1 the thing asked for does not exist or the operation failed, 2 a usage or configuration error — the latter as one
 * line naming the key, never a stack trace.
 */
@Command(name = "enrollflow", mixinStandardHelpOptions = true, versionProvider = EnrollflowCommand.Version.class,
        description = "Enrolls buyers, downloads their courses and delivers them, from a Redis queue.",
        subcommands = {RunCommand.class, DemoCommand.class, StatusCommand.class, DlqCommand.class, IntakeCommand.class})
public class EnrollflowCommand implements Callable<Integer> {

    public static final int OK = 0;
    public static final int NOT_FOUND_OR_FAILED = 1;
    public static final int USAGE = 2;

    /** Sub-commands that print for a person: their logs stay at WARN so the output stays readable. */
    private static final Set<String> QUIET = Set.of("status", "dlq", "intake", "demo");

    @Option(names = "--config", description = "Settings file (default: ./application.properties, then the jar's copy)",
            scope = CommandLine.ScopeType.INHERIT)
    Path config;

    @Option(names = "--routes", description = "Folder of route YAML files (default: ./routes, then the jar's copy)",
            scope = CommandLine.ScopeType.INHERIT)
    Path routes;

    @Override
    public Integer call() throws Exception {
        return new RunCommand().run(this);
    }

    /** Loads the settings: the jar's copy, then --config or ./application.properties, then the environment. */
    Settings settings() {
        return Settings.load(config, System.getenv());
    }

    public static int execute(String... args) {
        // before any JDK HTTP server exists (the demo's sample service is one): its limits are read once per process
        io.enrollflow.management.ManagementServer.limitSlowClients();
        if (args.length > 0 && QUIET.contains(args[0]) && System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        CommandLine cli = new CommandLine(new EnrollflowCommand());
        // picocli answers a usage error with CommandLine.ExitCode.USAGE, which is our 2
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
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

    /** The version from the jar's manifest. */
    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = EnrollflowCommand.class.getPackage().getImplementationVersion();
            return new String[] {"enrollflow " + (version == null ? "(development)" : version)};
        }
    }
}
