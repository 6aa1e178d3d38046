package io.enrollflow.delivery.drive;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.services.drive.DriveScopes;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;
import io.enrollflow.config.ConfigException;
import io.enrollflow.config.DriveSettings;
import io.enrollflow.config.Settings;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who enrollflow is on Drive (docs/contract.md §5), read once at start-up from the file one of two settings names. The
 * kind is the file's own {@code type}:
 * <ul>
 *   <li>{@code service_account}: a service-account key, asking for the {@code drive} scope, acting as
 *       {@code enrollflow.drive.delegate} when set; its {@code token_uri} is the token endpoint. Accepted in either
 *       setting.</li>
 *   <li>{@code authorized_user}: a Google account's consent, as {@code enrollflow drive login} and Google's own tools
 *       write it (client id and secret, a refresh token, and {@code token_uri} when the endpoint is not Google's). The
 *       refresh token carries the scope the account granted. Accepted in {@code enrollflow.drive.credentials} only:
 *       under the other name it would tell whoever reads the configuration something false.</li>
 * </ul>
 * No message built here holds a value from the file: a secret may sit next to any mistake, so errors name fields.
 *
 * @param credentials the credentials every Drive request carries
 * @param user        true for a Google account's consent, false for a service-account key
 * @param who         the account in messages: the service account's email, or the OAuth client's id
 * @param tokenUri    the token endpoint
 * @param setting     the setting that named the file
 * @param file        the file
 */
public record DriveAccount(GoogleCredentials credentials, boolean user, String who, String tokenUri, String setting,
                           Path file) {

    /** Google's token endpoint: the one a credentials file without {@code token_uri} uses. */
    public static final String GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
    /** The token endpoints that are Google's (older client-secret files name the second). */
    public static final Set<String> GOOGLE_TOKEN_URIS = Set.of(GOOGLE_TOKEN_URI,
            "https://accounts.google.com/o/oauth2/token", "https://www.googleapis.com/oauth2/v4/token");
    /** The {@code type} of a Google account's consent file. */
    public static final String AUTHORIZED_USER = "authorized_user";

    /** A credentials file is a few hundred bytes; anything far larger is the wrong file, not read whole. */
    private static final int MAX_FILE_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads the file the settings name.
     *
     * @throws ConfigException naming the setting: no such file, unreadable, not JSON, an unknown {@code type}, a
     *                         field missing
     */
    public static DriveAccount read(DriveSettings settings, NetHttpTransport transport) {
        boolean userSetting = settings.credentials() != null;
        return read(userSetting ? DriveSettings.CREDENTIALS : DriveSettings.SERVICE_ACCOUNT_KEY,
                userSetting ? settings.credentials() : settings.serviceAccountKey(), userSetting, settings.delegate(),
                transport);
    }

    /** Reads a file as {@code enrollflow.drive.credentials} would name it ({@code drive login} checks what it wrote). */
    public static DriveAccount credentials(Path file, NetHttpTransport transport) {
        return read(DriveSettings.CREDENTIALS, file, true, "", transport);
    }

    private static DriveAccount read(String setting, Path file, boolean userSetting, String delegate,
                                     NetHttpTransport transport) {
        byte[] bytes = bytes(setting, file);
        JsonNode json;
        try {
            json = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            // the parser's own message quotes the text around the mistake, which may be a secret: only where it is
            throw new ConfigException(setting, file.toAbsolutePath() + " is not JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new ConfigException(setting, "cannot read " + file.toAbsolutePath());
        }
        String type = json == null ? "" : json.path("type").asText("");
        if ("service_account".equals(type)) {
            return serviceAccount(setting, file, bytes, delegate, transport);
        }
        if (AUTHORIZED_USER.equals(type) && userSetting) {
            return user(setting, file, json, transport);
        }
        if (AUTHORIZED_USER.equals(type)) {
            throw new ConfigException(setting, file.toAbsolutePath() + " is a Google account's sign-in, not a "
                    + "service-account key: name it in " + DriveSettings.CREDENTIALS + " instead");
        }
        throw new ConfigException(setting, file.toAbsolutePath() + " is not "
                + (userSetting ? "a Google account's sign-in (\"type\": \"authorized_user\", written by: enrollflow drive "
                + "login) nor a service-account key (\"type\": \"service_account\")"
                : "a service-account key file (\"type\": \"service_account\", from the Google Cloud console)"));
    }

    private static byte[] bytes(String setting, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(setting, "no file at " + file.toAbsolutePath());
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new ConfigException(setting, file.toAbsolutePath() + " is over 64 KiB: not a credentials file");
            }
            return bytes;
        } catch (IOException e) {
            throw new ConfigException(setting, "cannot read " + file.toAbsolutePath());
        }
    }

    private static DriveAccount serviceAccount(String setting, Path file, byte[] bytes, String delegate,
                                               NetHttpTransport transport) {
        ServiceAccountCredentials key;
        try {
            key = ServiceAccountCredentials.fromStream(new ByteArrayInputStream(bytes), () -> transport);
        } catch (IOException | RuntimeException e) {
            // the JSON parsed already: the library's messages name missing fields, never the key's content
            throw new ConfigException(setting, file.toAbsolutePath() + " is not a service-account key file ("
                    + e.getMessage() + ")");
        }
        GoogleCredentials credentials = key.createScoped(List.of(DriveScopes.DRIVE));
        if (!delegate.isEmpty()) {
            credentials = credentials.createDelegated(delegate);
        }
        String tokenUri = key.getTokenServerUri() == null ? GOOGLE_TOKEN_URI : key.getTokenServerUri().toString();
        return new DriveAccount(credentials, false, key.getClientEmail(), tokenUri, setting, file);
    }

    private static DriveAccount user(String setting, Path file, JsonNode json, NetHttpTransport transport) {
        List<String> missing = new ArrayList<>();
        for (String field : List.of("client_id", "client_secret", "refresh_token")) {
            if (json.path(field).asText("").isBlank()) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            throw new ConfigException(setting, file.toAbsolutePath() + " lacks " + String.join(", ", missing)
                    + " (write it again with: enrollflow drive login)");
        }
        String tokenUri = json.path("token_uri").asText("").trim();
        // UserCredentials' own parser ignores token_uri; the builder honours it
        URI endpoint = Settings.httpUrl(setting, tokenUri.isEmpty() ? GOOGLE_TOKEN_URI : tokenUri);
        UserCredentials credentials = UserCredentials.newBuilder()
                .setClientId(json.path("client_id").asText())
                .setClientSecret(json.path("client_secret").asText())
                .setRefreshToken(json.path("refresh_token").asText())
                .setTokenServerUri(endpoint)
                .setHttpTransportFactory(() -> transport)
                .build();
        return new DriveAccount(credentials, true, json.path("client_id").asText(), endpoint.toString(), setting, file);
    }

    /** Without the credentials: a {@code UserCredentials}' own text holds its refresh and access tokens. */
    @Override
    public String toString() {
        return "DriveAccount[" + (user ? AUTHORIZED_USER : "service_account") + " " + who + ", " + setting + "=" + file + "]";
    }

    /** Who Drive acts as, for messages: the delegate user or the service account, or the signed-in account. */
    String actor(String delegate) {
        if (user) {
            return "the Google account signed in with OAuth client " + who + " (" + setting + ")";
        }
        return delegate.isEmpty() ? "service account " + who
                : delegate + " (service account " + who + " by domain-wide delegation)";
    }

    /**
     * What to do when the token endpoint refused these credentials with this OAuth error ({@code invalid_grant}, or
     * "" when its answer named none), for the task's message.
     */
    String remedy(String oauthError, String delegate) {
        if (user) {
            String why = "invalid_grant".equals(oauthError)
                    ? "the refresh token in " + file.toAbsolutePath() + " was revoked or has expired (an app whose "
                    + "consent screen is in \"Testing\" gets refresh tokens that last 7 days: publish it)"
                    : "the OAuth client in " + file.toAbsolutePath() + " was refused (deleted, or its secret reset?)";
            return why + "; run `enrollflow drive login` again, put the file it writes in place of this one ("
                    + setting + ") and restart enrollflow";
        }
        return "check that " + setting + " holds a current key of that account"
                + (delegate.isEmpty() ? "" : ", and that domain-wide delegation for its client id is granted the scope "
                + "https://www.googleapis.com/auth/drive in the Workspace admin console");
    }

    /** The one line the console and {@code /observe/health} show while Drive refuses these credentials. */
    String refusedDetail(String oauthError) {
        if (user) {
            return "invalid_grant".equals(oauthError)
                    ? "credentials revoked or expired — run enrollflow drive login"
                    : "OAuth client refused (" + (oauthError.isEmpty() ? "no reason given" : oauthError)
                    + ") — run enrollflow drive login with a current client secret";
        }
        return "service-account key refused" + (oauthError.isEmpty() ? "" : " (" + oauthError + ")") + " — check "
                + setting;
    }
}
