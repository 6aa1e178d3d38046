package io.enrollflow.delivery.drive;

import java.time.Duration;

/**
 * What the Drive client asks before each HTTP request, and tells when Drive asks it to slow down: the fleet-wide
 * Drive pause (docs/contract.md §12) is one implementation ({@code io.enrollflow.limit.DrivePause}).
 */
public interface DriveThrottle {

    /** No pause: every call goes at once, a slow-down is only the request's own back-off. */
    DriveThrottle NONE = new DriveThrottle() {
        @Override
        public void beforeCall() {
        }

        @Override
        public void slowDown(Duration pause, String why) {
        }
    };

    /** Returns when a Drive request may be sent; may throw to end the task's run for a long pause. */
    void beforeCall();

    /** Drive answered 429 or a rate-limit 403: pause calls for this long ({@code Retry-After}, else the back-off). */
    void slowDown(Duration pause, String why);
}
