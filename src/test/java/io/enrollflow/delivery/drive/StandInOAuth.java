package io.enrollflow.delivery.drive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.delivery.drive.StandInProtocol.Request;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.enrollflow.delivery.drive.DriveStandIn.DRIVE_SCOPE;
import static io.enrollflow.delivery.drive.DriveStandIn.SERVICE_ACCOUNT_EMAIL;
import static io.enrollflow.delivery.drive.StandInProtocol.oauthError;
import static io.enrollflow.delivery.drive.StandInProtocol.query;
import static io.enrollflow.delivery.drive.StandInProtocol.send;
import static io.enrollflow.delivery.drive.StandInStore.JSON;

/**
 * The stand-in's OAuth side: the key pair of the key file it writes, the token endpoint (the JWT bearer grant, its RS256
 * signature checked against that key; a Google account's grants are {@link StandInConsent}'s), and the bearer tokens it
 * issued, each until it expires, which every API request must carry.
 */
final class StandInOAuth {

    /** The audiences Google's token endpoint accepts; the Java client sends the first whatever the token_uri. */
    private static final Set<String> AUDIENCES = Set.of("https://oauth2.googleapis.com/token",
            "https://accounts.google.com/o/oauth2/token");

    private final KeyPair keyPair;
    /** Issued bearer tokens and when each expires ({@link System#nanoTime()}). */
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();
    final StandInConsent consent = new StandInConsent(this);
    private final List<String> tokenSubjects = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile String refuseTokens;

    StandInOAuth() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keyPair = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a service-account key file whose {@code token_uri} is this stand-in's and whose key it trusts. */
    Path writeKeyFile(Path file, String rootUrl, String tokenUri) throws IOException {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keyPair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        ObjectNode key = JSON.createObjectNode()
                .put("type", "service_account")
                .put("project_id", "stand-in")
                .put("private_key_id", "stand-in-key-1")
                .put("private_key", pem)
                .put("client_email", SERVICE_ACCOUNT_EMAIL)
                .put("client_id", "100000000000000000001")
                .put("auth_uri", rootUrl + "auth")
                .put("token_uri", tokenUri);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(key));
        return file;
    }

    /** The token endpoint answers 400 with this OAuth error from now on; null: normal. */
    void refuse(String oauthError) {
        refuseTokens = oauthError;
    }

    /** Forgets every issued token. */
    void expire() {
        tokens.clear();
    }

    List<String> subjects() {
        return List.copyOf(tokenSubjects);
    }

    /** A new bearer token, valid for {@code lifetime}. */
    String issue(Duration lifetime) {
        String token = "ya29.stand-in-" + issued.incrementAndGet();
        tokens.put(token, System.nanoTime() + lifetime.toNanos());
        return token;
    }

    void forget(String token) {
        tokens.remove(token);
    }

    void token(Request r, String tokenUri) throws IOException {
        Map<String, String> form = query(new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
        if (consent.token(r, form)) {
            return;
        }
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
            oauthError(r.exchange(), "unsupported_grant_type", "expected the JWT bearer grant");
            return;
        }
        String[] jwt = String.valueOf(form.get("assertion")).split("\\.");
        if (jwt.length != 3) {
            oauthError(r.exchange(), "invalid_grant", "assertion is not a JWT");
            return;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(keyPair.getPublic());
            verifier.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(Base64.getUrlDecoder().decode(jwt[2]))) {
                oauthError(r.exchange(), "invalid_grant", "Invalid JWT Signature.");
                return;
            }
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            oauthError(r.exchange(), "invalid_grant", "Invalid JWT Signature.");
            return;
        }
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(jwt[0]));
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
        long now = System.currentTimeMillis() / 1000;
        if (!"RS256".equals(header.path("alg").asText())
                || !SERVICE_ACCOUNT_EMAIL.equals(claims.path("iss").asText())
                || !AUDIENCES.contains(claims.path("aud").asText()) && !tokenUri.equals(claims.path("aud").asText())
                || !Arrays.asList(claims.path("scope").asText().split(" ")).contains(DRIVE_SCOPE)
                || claims.path("exp").asLong() < now) {
            oauthError(r.exchange(), "invalid_grant", "Invalid JWT: iss, aud, scope or exp is wrong in " + claims);
            return;
        }
        tokenSubjects.add(claims.path("sub").asText(""));
        if (refuseTokens != null) {
            oauthError(r.exchange(), refuseTokens, "Client is unauthorized to retrieve access tokens using this method.");
            return;
        }
        String token = issue(Duration.ofSeconds(3599));
        send(r.exchange(), 200, JSON.createObjectNode().put("access_token", token).put("expires_in", 3599)
                .put("token_type", "Bearer"));
    }

    boolean authorized(Request r) {
        String auth = r.header("Authorization");
        Long expires = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring("Bearer ".length())) : null;
        return expires != null && expires - System.nanoTime() > 0;
    }
}
