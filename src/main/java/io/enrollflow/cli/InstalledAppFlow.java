package io.enrollflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.auth.oauth2.AuthorizationCodeRequestUrl;
import com.google.api.client.auth.oauth2.AuthorizationCodeTokenRequest;
import com.google.api.client.auth.oauth2.ClientParametersAuthentication;
import com.google.api.client.auth.oauth2.TokenResponse;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.drive.DriveScopes;
import io.enrollflow.config.Settings;
import io.enrollflow.delivery.drive.DriveAccount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Google's OAuth 2.0 flow for installed apps (RFC 8252), the parts that are not the browser's: the OAuth client read
 * from its client-secret file, the authorization URL, and the exchange of the code for tokens. PKCE (RFC 7636, S256)
 * binds the code to this process, so a code that reaches another program on the machine is worth nothing; {@code state}
 * ties the answer to this request. google-oauth-client builds the URL and makes the token request; its
 * {@code AuthorizationCodeFlow} is not used, as it wants a credential store and cannot be given a state.
 * <p>
 * The scope is {@code drive.file}: enrollflow sees and changes only the files and folders it made, nothing else in the
 * account. {@code access_type=offline} asks for a refresh token, and {@code prompt=consent} for a new one even when the
 * account consented before (Google sends none otherwise).
 *
 * @param clientId     the OAuth client's id
 * @param clientSecret the OAuth client's secret (a Desktop app's is not confidential, but it is still not printed)
 * @param authUri      the authorization endpoint ({@code auth_uri} of the file)
 * @param tokenUri     the token endpoint ({@code token_uri} of the file)
 */
record InstalledAppFlow(String clientId, String clientSecret, String authUri, String tokenUri) {

    static final String SCOPE = DriveScopes.DRIVE_FILE;
    private static final String GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Reads the client-secret file the Google Cloud console downloads ({@code {"installed": {…}}} for a Desktop app,
     * {@code {"web": {…}}} for a web application).
     *
     * @throws IllegalArgumentException saying what is wrong with the file, without any of its values
     */
    static InstalledAppFlow read(Path file) {
        JsonNode root;
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no file at " + file.toAbsolutePath());
            }
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file.toAbsolutePath() + " is not JSON");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file.toAbsolutePath());
        }
        JsonNode details = root == null ? null : root.has("installed") ? root.get("installed") : root.get("web");
        if (details == null || !details.isObject()) {
            throw new IllegalArgumentException(file.toAbsolutePath() + " is not an OAuth client's secret (no \"installed\" "
                    + "or \"web\" object): download it from the Google Cloud console, APIs & Services, Credentials");
        }
        String id = details.path("client_id").asText("");
        String secret = details.path("client_secret").asText("");
        if (id.isBlank() || secret.isBlank()) {
            throw new IllegalArgumentException(file.toAbsolutePath() + " lacks client_id or client_secret");
        }
        String auth = details.path("auth_uri").asText(GOOGLE_AUTH_URI);
        String token = details.path("token_uri").asText(DriveAccount.GOOGLE_TOKEN_URI);
        return new InstalledAppFlow(id, secret, url("auth_uri", auth), url("token_uri", token));
    }

    private static String url(String field, String value) {
        try {
            return Settings.httpUrl(field, value).toString();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the client secret's " + e.getMessage());
        }
    }

    /** A random value for {@code state} or the PKCE verifier: 32 bytes, base64url (43 characters). */
    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The PKCE S256 challenge of a verifier: base64url(SHA-256(verifier)). */
    static String challenge(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The address the account opens to consent. */
    String authorizationUrl(String redirectUri, String state, String verifier) {
        return new AuthorizationCodeRequestUrl(authUri, clientId)
                .setRedirectUri(redirectUri)
                .setScopes(List.of(SCOPE))
                .setState(state)
                .set("code_challenge", challenge(verifier))
                .set("code_challenge_method", "S256")
                .set("access_type", "offline")
                .set("prompt", "consent")
                .build();
    }

    /**
     * Exchanges the code for tokens at the token endpoint.
     *
     * @throws com.google.api.client.auth.oauth2.TokenResponseException when the endpoint refuses (its OAuth error in
     *                                                                   {@code getDetails()})
     */
    TokenResponse exchange(HttpTransport transport, String code, String redirectUri, String verifier) throws IOException {
        return new AuthorizationCodeTokenRequest(transport, GsonFactory.getDefaultInstance(), new GenericUrl(tokenUri), code)
                .setRedirectUri(redirectUri)
                .setClientAuthentication(new ClientParametersAuthentication(clientId, clientSecret))
                .set("code_verifier", verifier)
                .execute();
    }

    /** Overridden so that no log or message made from this record ever shows the client secret. */
    @Override
    public String toString() {
        return "InstalledAppFlow[clientId=" + clientId + ", authUri=" + authUri + ", tokenUri=" + tokenUri + "]";
    }
}
