package io.enrollflow.delivery.drive;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import com.google.api.client.testing.http.MockHttpTransport;
import com.google.api.client.testing.http.MockLowLevelHttpRequest;
import com.google.api.client.testing.http.MockLowLevelHttpResponse;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.enrollflow.config.DriveSettings;
import io.enrollflow.status.ClaimLostException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Date;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The fencing guard (docs/contract.md §7) holds every Drive request, also the one re-sent after a token refresh. */
class RetryingRequestInitializerTest {

    @Test
    void aRequestResentAfterATokenRefreshStillAsksTheGuard() throws Exception {
        AtomicBoolean mayAct = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        MockHttpTransport transport = new MockHttpTransport() {
            @Override
            public LowLevelHttpRequest buildRequest(String method, String url) {
                return new MockLowLevelHttpRequest(url) {
                    @Override
                    public LowLevelHttpResponse execute() {
                        sent.incrementAndGet();
                        // the token expired; meanwhile the instance was presumed dead (its lease lapsed)
                        mayAct.set(false);
                        return new MockLowLevelHttpResponse().setStatusCode(401);
                    }
                };
            }
        };
        GoogleCredentials credentials = refreshing();
        RetryingRequestInitializer initializer = new RetryingRequestInitializer(new HttpCredentialsAdapter(credentials),
                new DriveClientFactory(settings(), credentials, null, millis -> { }, new DriveGuard(mayAct::get, () -> 0),
                        DriveThrottle.NONE));
        HttpRequest request = transport.createRequestFactory(initializer)
                .buildGetRequest(new GenericUrl("http://127.0.0.1:1/drive/v3/files"));

        assertThrows(ClaimLostException.class, request::execute);
        assertEquals(1, sent.get(), "nothing left after the refresh");
    }

    private static GoogleCredentials refreshing() {
        return new GoogleCredentials(new AccessToken("first", new Date(System.currentTimeMillis() + 3_600_000))) {
            @Override
            public AccessToken refreshAccessToken() {
                return new AccessToken("second", new Date(System.currentTimeMillis() + 3_600_000));
            }
        };
    }

    private static DriveSettings settings() {
        return new DriveSettings(null, null, "", "parent", "${taskId}", "reader", false, null, 1, Duration.ofSeconds(5),
                Duration.ofSeconds(5), 8 * 1024 * 1024, Duration.ofMillis(1), Duration.ofSeconds(1));
    }
}
