package io.enrollflow.delivery.drive;

import com.google.api.client.googleapis.services.AbstractGoogleClientRequest;
import com.google.api.client.googleapis.services.GoogleClientRequestInitializer;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.util.Sleeper;
import com.google.api.services.drive.Drive;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.GoogleCredentials;
import io.enrollflow.config.DriveSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.component.google.drive.GoogleDriveClientFactory;

import java.util.Collection;

/**
 * Builds the one {@link Drive} client that camel-google-drive caches on its component (in Camel 4.17 the endpoint's
 * {@code clientFactory} option is ignored, so this factory is set on the component).
 * <p>
 * What it adds over the component's default factory:
 * <ul>
 *   <li>the root URL from {@code enrollflow.drive.root-url} (the default factory cannot change it);</li>
 *   <li>credentials from the file parsed at start-up ({@link DriveAccount}: a service-account key or a Google
 *       account's consent), so its {@code token_uri} is honoured;</li>
 *   <li>{@link RetryingRequestInitializer}: timeouts and the Google client's back-off handlers, so a failed upload
 *       chunk is resumed in place instead of restarting the file from byte 0;</li>
 *   <li>a {@link GoogleClientRequestInitializer} that sets the upload chunk size (and the {@code fields} of an upload's
 *       answer) and {@code supportsAllDrives=true} on every request that has the parameter. This is how calls made through the component's endpoints get a
 *       chunk size: the component has no option for {@code MediaHttpUploader}, but every request it builds passes
 *       through this initializer right after the uploader exists.</li>
 * </ul>
 */
record DriveClientFactory(DriveSettings settings, GoogleCredentials credentials, NetHttpTransport transport,
                         Sleeper sleeper, DriveGuard guard, DriveThrottle throttle) implements GoogleDriveClientFactory {

    static final String APPLICATION_NAME = "enrollflow";

    /** The component's OAuth options are not how enrollflow signs in: the credentials file is (docs/contract.md §5). */
    @Override
    public Drive makeClient(String clientId, String clientSecret, Collection<String> scopes, String applicationName,
                            String refreshToken, String accessToken) {
        throw new UnsupportedOperationException("enrollflow signs in with the file enrollflow.drive.credentials or "
                + "enrollflow.drive.service-account-key names, not the component's OAuth options");
    }

    /** The path the component passes is that of the file already parsed into {@link #credentials} at start-up. */
    @Override
    public Drive makeClient(CamelContext camelContext, String serviceAccountKey, Collection<String> scopes,
                            String applicationName, String delegate) {
        return build();
    }

    /** Without the credentials: a {@code UserCredentials}' own text holds its refresh and access tokens. */
    @Override
    public String toString() {
        return "DriveClientFactory[root=" + settings.rootUrl() + "]";
    }

    Drive build() {
        RetryingRequestInitializer http = new RetryingRequestInitializer(new HttpCredentialsAdapter(credentials), this);
        Drive.Builder builder = new Drive.Builder(transport, GsonFactory.getDefaultInstance(), http)
                .setApplicationName(APPLICATION_NAME)
                .setGoogleClientRequestInitializer(this::prepare);
        if (!settings.rootUrl().isEmpty()) {
            builder.setRootUrl(settings.rootUrl());
        }
        return builder.build();
    }

    private void prepare(AbstractGoogleClientRequest<?> request) {
        if (request.getMediaHttpUploader() != null) {
            request.getMediaHttpUploader().setChunkSize(settings.chunkSizeBytes());
            if (request.get("fields") == null) {
                request.set("fields", DriveCalls.FILE_FIELDS); // see DriveCalls.upload
            }
        }
        // Shared Drives answer 404 to requests without it; files.generateIds and a few others do not take it.
        if (request.getClassInfo().getField("supportsAllDrives") != null && request.get("supportsAllDrives") == null) {
            request.set("supportsAllDrives", Boolean.TRUE);
        }
    }
}
