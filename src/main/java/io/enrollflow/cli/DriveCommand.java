package io.enrollflow.cli;

import picocli.CommandLine.Command;

/** {@code drive login}: Google Drive with a Google account's own consent (docs/contract.md §5). */
@Command(name = "drive", mixinStandardHelpOptions = true,
        description = "Google Drive: sign in with a Google account for enrollflow.drive.credentials.",
        subcommands = {DriveLoginCommand.class})
public class DriveCommand extends CommandGroup {

    @Override
    String subcommands() {
        return "login";
    }
}
