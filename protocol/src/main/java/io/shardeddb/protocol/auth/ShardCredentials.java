package io.shardeddb.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The shard-server credentials in force for one database: the one callers send ({@code current})
 * and every one a shard-server accepts ({@code accepted}, which holds {@code current} plus the
 * others kept during a rotation).
 */
public record ShardCredentials(String current, List<String> accepted) {

  /** The scheme of the {@code Authorization} header every shard-server call carries. */
  public static final String SCHEME = "Bearer ";

  public ShardCredentials {
    accepted = List.copyOf(accepted);
  }

  /** Credentials where {@code token} is both sent and the only one accepted. */
  public static ShardCredentials of(String token) {
    return new ShardCredentials(token, List.of(token));
  }

  /** The {@code Authorization} header value to send, or null when there is nothing to send. */
  public String authorization() {
    return current == null || current.isBlank() ? null : SCHEME + current;
  }

  /**
   * Whether an {@code Authorization} header value carries one of the accepted credentials. Every
   * accepted value is compared, each in constant time, so the timing reveals neither which one
   * matched nor how much of one did.
   */
  public boolean accepts(String authorization) {
    if (authorization == null) {
      return false;
    }
    byte[] given = authorization.trim().getBytes(StandardCharsets.UTF_8);
    boolean ok = false;
    for (String token : accepted) {
      if (token.isBlank()) {
        continue;
      }
      byte[] expected = (SCHEME + token).getBytes(StandardCharsets.UTF_8);
      ok |= MessageDigest.isEqual(given, expected);
    }
    return ok;
  }
}
