package io.shardeddb.local;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The bearer token of one local cluster's API: 32 random bytes, base64url, made fresh at every
 * start and handed out only through the owner-only kubeconfig and the in-process client, so another
 * user on the machine who reaches {@code 127.0.0.1:<port>} cannot read Secrets or change the
 * database through it.
 */
final class LocalApiToken {
  private static final String BEARER = "Bearer ";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String value;
  private final byte[] bytes;

  private LocalApiToken(String value) {
    this.value = value;
    this.bytes = value.getBytes(StandardCharsets.US_ASCII);
  }

  /** A new random token. */
  static LocalApiToken random() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return new LocalApiToken(Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
  }

  /** The token as it goes into a kubeconfig ({@code user.token}). */
  String value() {
    return value;
  }

  /**
   * Whether an {@code Authorization} header is {@code Bearer <this token>} (the scheme in any case,
   * as RFC 7235 allows); the token is compared in constant time.
   */
  boolean admits(String authorization) {
    if (authorization == null
        || authorization.length() < BEARER.length()
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    byte[] offered =
        authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(offered, bytes);
  }

  @Override
  public String toString() {
    return "LocalApiToken[redacted]";
  }
}
