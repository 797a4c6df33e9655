package io.shardeddb.router.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The values one router token accepts: the {@code current} one and, for an overlap after each
 * change, the ones it replaced ({@code retired}, each until its own instant). A plain value over
 * explicit instants: {@link RouterToken} feeds it the file's content and the clock.
 */
public record TokenRotation(String current, List<Retired> retired) {

  /** The scheme of the {@code Authorization} header clients send. */
  static final String SCHEME = "Bearer ";

  /** A replaced value, still accepted before {@code until}. */
  public record Retired(String value, Instant until) {
    @Override
    public String toString() {
      return "Retired[until=" + until + "]";
    }
  }

  public TokenRotation {
    retired = List.copyOf(retired);
  }

  /** {@code current} alone (null or blank: no token, nothing accepted). */
  public static TokenRotation of(String current) {
    return new TokenRotation(current == null || current.isBlank() ? null : current, List.of());
  }

  /** Whether a token is set at all. */
  public boolean isSet() {
    return current != null;
  }

  /**
   * The rotation after the token became {@code next} at {@code now}: the value in force until then
   * stays accepted until {@code now + overlap}, replaced values whose time is up are dropped, and
   * {@code next} (which may be a value retired earlier: a rollback) is the current one. The same
   * value again changes nothing.
   */
  public TokenRotation rotatedTo(String next, Instant now, Duration overlap) {
    if (next == null || next.isBlank()) {
      throw new IllegalArgumentException("a token cannot rotate to an empty value");
    }
    if (next.equals(current)) {
      return this;
    }
    List<Retired> kept = new ArrayList<>();
    for (Retired r : retired) {
      if (r.until().isAfter(now) && !r.value().equals(next)) {
        kept.add(r);
      }
    }
    if (current != null && overlap.isPositive()) {
      kept.add(new Retired(current, now.plus(overlap)));
    }
    return new TokenRotation(next, kept);
  }

  /**
   * Whether an {@code Authorization} header value carries the current token or one retired less
   * than its overlap ago. Every candidate is compared in constant time, so the timing reveals
   * neither which one matched nor how much of one did.
   */
  public boolean accepts(String authorization, Instant now) {
    if (authorization == null || current == null) {
      return false;
    }
    byte[] given = authorization.trim().getBytes(StandardCharsets.UTF_8);
    boolean ok = matches(given, current);
    for (Retired r : retired) {
      ok |= matches(given, r.value()) & r.until().isAfter(now);
    }
    return ok;
  }

  /**
   * Whether {@code proof} holds for the current token or one retired less than its overlap ago: for
   * protocols that prove knowledge of the token without sending it (the MySQL protocol's password
   * scramble). Every candidate is tried, so the timing does not say which one matched.
   */
  public boolean acceptsProof(java.util.function.Predicate<String> proof, Instant now) {
    if (current == null) {
      return false;
    }
    boolean ok = proof.test(current);
    for (Retired r : retired) {
      ok |= proof.test(r.value()) & r.until().isAfter(now);
    }
    return ok;
  }

  /** Never the values: a logged rotation must not leak a token. */
  @Override
  public String toString() {
    return "TokenRotation[set=" + isSet() + ", retired=" + retired + "]";
  }

  private static boolean matches(byte[] given, String token) {
    return MessageDigest.isEqual(given, (SCHEME + token).getBytes(StandardCharsets.UTF_8));
  }
}
