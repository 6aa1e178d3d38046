package io.enrollflow.delivery.drive;

/**
 * What Drive delivery tells the fleet about its sign-in (docs/contract.md §5): the token endpoint refused the
 * credentials (a revoked or expired refresh token, a deleted key), or a delivery went through. The console and
 * {@code /observe/health} say so from the first until the second ({@link FleetDriveSignIn}).
 */
public interface DriveSignIn {

    /** Nobody listens (the delivery alone, in tests and benches). */
    DriveSignIn NONE = new DriveSignIn() {
        @Override
        public void refused(String detail) {
        }

        @Override
        public void accepted() {
        }
    };

    /** The token endpoint refused the credentials; {@code detail} is one line that says what to do. */
    void refused(String detail);

    /** A delivery went through: the credentials work. */
    void accepted();
}
