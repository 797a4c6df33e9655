package io.shardeddb.router.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bearer token the router accepts: a fixed value (a setting or environment variable, for
 * standalone and local use) or a file, a key of the mounted router token Secret. The file is read
 * again on every {@link #reload()} by its path, so the kubelet's update of a mounted Secret (a
 * symlink swap: a new inode under the same name) is seen; when its content changes, the value it
 * replaced stays accepted for {@code overlap} ({@link TokenRotation}). A file that cannot be read
 * or is empty (mid-swap, a bad edit, a deleted key) is logged once and changes nothing: the last
 * good value stays in force, and the router never falls back to accepting no token.
 */
public final class RouterToken {
  private static final Logger LOG = LoggerFactory.getLogger(RouterToken.class);

  private final String name;
  private final Path file;
  private final Duration overlap;
  private final InstantSource clock;
  private volatile TokenRotation rotation;
  // The failure last logged, so a file missing for an hour is one line, not one per poll.
  private String failure;

  private RouterToken(
      String name, Path file, Duration overlap, InstantSource clock, TokenRotation rotation) {
    this.name = name;
    this.file = file;
    this.overlap = overlap;
    this.clock = clock;
    this.rotation = rotation;
  }

  /** What this token is called ({@code data token}, {@code admin token}): the credential's name. */
  public String name() {
    return name;
  }

  /** A fixed token ({@code value} null or blank: none, so nothing is accepted). */
  public static RouterToken fixed(String name, String value) {
    return new RouterToken(
        name, null, Duration.ZERO, InstantSource.system(), TokenRotation.of(value));
  }

  /**
   * The token in {@code file}, read now: a file that cannot be read or holds nothing fails with an
   * {@link IllegalStateException} naming it (there is no last good value to keep yet).
   */
  public static RouterToken file(String name, Path file, Duration overlap, InstantSource clock) {
    String value;
    try {
      value = read(file);
    } catch (IOException | IllegalStateException e) {
      throw new IllegalStateException(
          "the router " + name + " file " + file + " cannot be read: " + describe(e), e);
    }
    LOG.info(
        "router {} read from {} (read again as it changes; a replaced token stays accepted for {})",
        name,
        file,
        text(overlap));
    return new RouterToken(name, file, overlap, clock, TokenRotation.of(value));
  }

  /** Whether a token is set (a fixed one may be empty: none configured). */
  public boolean isSet() {
    return rotation.isSet();
  }

  /** Whether {@code authorization} carries this token, or a replaced one within its overlap. */
  public boolean accepts(String authorization) {
    return rotation.accepts(authorization, clock.instant());
  }

  /**
   * Whether {@code proof} holds for this token or a replaced one within its overlap (a password
   * scramble computed from the token, {@link TokenRotation#acceptsProof}).
   */
  public boolean acceptsProof(java.util.function.Predicate<String> proof) {
    return rotation.acceptsProof(proof, clock.instant());
  }

  /** The values accepted now (for tests and logs: {@link TokenRotation#toString} hides them). */
  TokenRotation rotation() {
    return rotation;
  }

  /**
   * Reads the file again (nothing for a fixed token). A changed value becomes the current one and
   * the previous stays accepted for the overlap; an unreadable or empty file keeps what is in
   * force.
   */
  public synchronized void reload() {
    if (file == null) {
      return;
    }
    String value;
    try {
      value = read(file);
    } catch (IOException | IllegalStateException e) {
      String now = describe(e);
      if (!now.equals(failure)) {
        LOG.warn(
            "router {} file {} cannot be read ({}); the token read before stays in force until"
                + " the file is readable again",
            name,
            file,
            now);
        failure = now;
      }
      return;
    }
    if (failure != null) {
      LOG.info("router {} file {} is readable again", name, file);
      failure = null;
    }
    TokenRotation before = rotation;
    TokenRotation after = before.rotatedTo(value, clock.instant(), overlap);
    if (after != before) {
      rotation = after;
      LOG.info(
          "router {} changed in {}: the new token is accepted now, the previous one for {} more",
          name,
          file,
          text(overlap));
    }
  }

  private static String read(Path file) throws IOException {
    String value = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (value.isEmpty()) {
      throw new IllegalStateException("it is empty");
    }
    return value;
  }

  /** {@code 5m}, {@code 3s}, {@code 1m30s}: as the setting is written. */
  static String text(Duration d) {
    return d.isZero() ? "0s" : d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }

  private static String describe(Exception e) {
    return e instanceof IllegalStateException
        ? e.getMessage()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
