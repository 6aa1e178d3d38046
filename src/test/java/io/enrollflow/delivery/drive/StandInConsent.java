package io.enrollflow.delivery.drive;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.delivery.drive.StandInProtocol.Request;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.enrollflow.delivery.drive.StandInProtocol.oauthError;
import static io.enrollflow.delivery.drive.StandInProtocol.send;
import static io.enrollflow.delivery.drive.StandInStore.JSON;

/**
 * The stand-in's side of a Google account's consent, as Google's OAuth server answers an installed app:
 * <ul>
 *   <li>the authorization endpoint ({@code GET /auth}): checks the request (client id, a loopback {@code redirect_uri},
 *       the {@code drive.file} scope, a PKCE S256 challenge, {@code access_type=offline}) and redirects to
 *       {@code redirect_uri} with {@code code} and {@code state}, as the consent page does once the account allows
 *       (or with {@code error=access_denied} when told to refuse);</li>
 *   <li>the {@code authorization_code} grant: the client's id and secret, a code used once, the same redirect URI, and
 *       a {@code code_verifier} whose SHA-256 is the challenge; answers a refresh token and an access token;</li>
 *   <li>the {@code refresh_token} grant: a new access token, of {@link #accessTokenLifetime}; {@code invalid_grant}
 *       once the refresh token is revoked ({@link #revoke()}), as Google answers for a revoked or expired one.</li>
 * </ul>
 * Access tokens are {@link StandInOAuth}'s, with an expiry the API checks.
 */
final class StandInConsent {

    static final String CLIENT_ID = "1234567890-standin.apps.googleusercontent.com";
    static final String CLIENT_SECRET = "GOCSPX-stand-in-client-secret";
    static final String DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file";

    /** What the consent page was asked, kept with the code it answered. */
    private record Grant(String challenge, String redirectUri, String scope) {
    }

    private final StandInOAuth oauth;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> userAccessTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> issuedEver = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refreshes = new AtomicInteger();
    private final AtomicInteger exchanges = new AtomicInteger();
    private volatile boolean refuseConsent;
    private volatile Duration accessTokenLifetime = Duration.ofSeconds(3599);

    StandInConsent(StandInOAuth oauth) {
        this.oauth = oauth;
    }

    /** Writes the client-secret file of a Desktop-app OAuth client whose endpoints are this stand-in's. */
    Path writeClientSecret(Path file, String rootUrl) throws IOException {
        ObjectNode installed = JSON.createObjectNode();
        installed.putObject("installed").put("client_id", CLIENT_ID).put("project_id", "stand-in")
                .put("auth_uri", rootUrl + "auth").put("token_uri", rootUrl + "token")
                .put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs")
                .put("client_secret", CLIENT_SECRET).putArray("redirect_uris").add("http://localhost");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(installed));
        return file;
    }

    /** Writes an {@code authorized_user} file as if the account had consented: a refresh token of its own. */
    Path writeUserCredentials(Path file, String tokenUri) throws IOException {
        String refreshToken = newRefreshToken();
        ObjectNode credentials = JSON.createObjectNode().put("type", "authorized_user").put("client_id", CLIENT_ID)
                .put("client_secret", CLIENT_SECRET).put("refresh_token", refreshToken).put("token_uri", tokenUri);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(credentials));
        return file;
    }

    void refuseConsent(boolean refuse) {
        refuseConsent = refuse;
    }

    void accessTokenLifetime(Duration lifetime) {
        accessTokenLifetime = lifetime;
    }

    /** Every refresh token is revoked (the account removed the app's access) and the access tokens with them. */
    void revoke() {
        refreshTokens.clear();
        userAccessTokens.forEach(oauth::forget);
        userAccessTokens.clear();
    }

    int refreshes() {
        return refreshes.get();
    }

    int exchanges() {
        return exchanges.get();
    }

    /** Every refresh token and access token issued to the account so far (a log must show none of them). */
    Set<String> secrets() {
        return Set.copyOf(issuedEver);
    }

    void authorize(Request r) throws IOException {
        Map<String, String> q = r.query();
        String redirect = q.getOrDefault("redirect_uri", "");
        URI target;
        try {
            target = URI.create(redirect);
        } catch (IllegalArgumentException e) {
            target = null;
        }
        if (!CLIENT_ID.equals(q.get("client_id")) || target == null || !"http".equals(target.getScheme())
                || !"127.0.0.1".equals(target.getHost())) {
            // Google shows an error page instead of redirecting anywhere it was not told it may
            send(r.exchange(), 400, JSON.createObjectNode().put("error", "redirect_uri_mismatch"));
            return;
        }
        String problem = !"code".equals(q.get("response_type")) ? "unsupported_response_type"
                : !Arrays.asList(q.getOrDefault("scope", "").split(" ")).contains(DRIVE_FILE_SCOPE) ? "invalid_scope"
                : !"S256".equals(q.get("code_challenge_method")) || q.getOrDefault("code_challenge", "").length() != 43
                ? "invalid_request" : !"offline".equals(q.get("access_type")) ? "invalid_request"
                : refuseConsent ? "access_denied" : null;
        String answer;
        if (problem != null) {
            answer = "error=" + problem;
        } else {
            String code = "4/stand-in-code-" + UUID.randomUUID();
            codes.put(code, new Grant(q.get("code_challenge"), redirect, DRIVE_FILE_SCOPE));
            answer = "code=" + enc(code) + "&scope=" + enc(DRIVE_FILE_SCOPE);
        }
        r.exchange().getResponseHeaders().add("Location", redirect + (redirect.contains("?") ? "&" : "?")
                + "state=" + enc(q.getOrDefault("state", "")) + "&" + answer);
        r.exchange().sendResponseHeaders(302, -1);
    }

    /** The {@code authorization_code} and {@code refresh_token} grants; false for any other grant type. */
    boolean token(Request r, Map<String, String> form) throws IOException {
        String grant = form.get("grant_type");
        if (!"authorization_code".equals(grant) && !"refresh_token".equals(grant)) {
            return false;
        }
        if (!CLIENT_ID.equals(form.get("client_id")) || !CLIENT_SECRET.equals(form.get("client_secret"))) {
            send(r.exchange(), 401, JSON.createObjectNode().put("error", "invalid_client")
                    .put("error_description", "The OAuth client was not found."));
            return true;
        }
        if ("refresh_token".equals(grant)) {
            refreshes.incrementAndGet();
            if (!refreshTokens.contains(form.getOrDefault("refresh_token", ""))) {
                oauthError(r.exchange(), "invalid_grant", "Token has been expired or revoked.");
                return true;
            }
            send(r.exchange(), 200, accessToken());
            return true;
        }
        Grant granted = codes.remove(form.getOrDefault("code", ""));
        if (granted == null || !granted.redirectUri().equals(form.get("redirect_uri"))) {
            oauthError(r.exchange(), "invalid_grant", "Malformed auth code.");
            return true;
        }
        if (!granted.challenge().equals(s256(form.getOrDefault("code_verifier", "")))) {
            oauthError(r.exchange(), "invalid_grant", "Invalid code verifier.");
            return true;
        }
        exchanges.incrementAndGet();
        send(r.exchange(), 200, accessToken().put("refresh_token", newRefreshToken()).put("scope", granted.scope()));
        return true;
    }

    private ObjectNode accessToken() {
        String token = oauth.issue(accessTokenLifetime);
        userAccessTokens.add(token);
        issuedEver.add(token);
        return JSON.createObjectNode().put("access_token", token).put("expires_in", accessTokenLifetime.toSeconds())
                .put("token_type", "Bearer").put("scope", DRIVE_FILE_SCOPE);
    }

    private String newRefreshToken() {
        String token = "1//stand-in-refresh-" + UUID.randomUUID();
        refreshTokens.add(token);
        issuedEver.add(token);
        return token;
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
