package io.shardeddb.protocol.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Where a process finds its shard credentials: a fixed token, or a directory holding a mounted
 * Secret (one file per key). In a directory, the file {@code token} is the credential to send, and
 * every file is an accepted one, so a rotation adds a key, switches {@code token}, then drops the
 * old key. The directory is read again at most once per {@code refresh}: the kubelet replaces a
 * mounted Secret's files in place (an atomic symlink swap) when the Secret changes.
 */
public final class CredentialSource {

  /** The key (file name) of the credential callers send. */
  public static final String TOKEN_KEY = "token";

  /** How often a mounted directory is read again by default. */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(2);

  private final Path dir;
  private final long refreshNanos;
  private final LongSupplier nanoTime;
  private ShardCredentials current;
  private long readAt;

  private CredentialSource(
      Path dir, ShardCredentials fixed, Duration refresh, LongSupplier nanoTime) {
    this.dir = dir;
    this.current = fixed;
    this.refreshNanos = refresh.toNanos();
    this.nanoTime = nanoTime;
  }

  /** A fixed credential, sent and accepted. */
  public static CredentialSource fixed(String token) {
    return new CredentialSource(null, ShardCredentials.of(token), Duration.ZERO, System::nanoTime);
  }

  /**
   * The credentials in {@code dir}, read now (failing when the directory holds no {@code token})
   * and again at most once per {@code refresh}, on {@code nanoTime}'s clock.
   */
  public static CredentialSource directory(Path dir, Duration refresh, LongSupplier nanoTime) {
    CredentialSource source = new CredentialSource(dir, null, refresh, nanoTime);
    source.current = read(dir);
    source.readAt = nanoTime.getAsLong();
    return source;
  }

  /** The credentials in {@code dir}, read again at most every {@link #DEFAULT_REFRESH}. */
  public static CredentialSource directory(Path dir) {
    return directory(dir, DEFAULT_REFRESH, System::nanoTime);
  }

  /**
   * The credentials in force. When the directory cannot be read or has lost its {@code token}
   * (mid-swap, or a bad edit), the last good ones stay in force.
   */
  public synchronized ShardCredentials get() {
    if (dir != null && nanoTime.getAsLong() - readAt >= refreshNanos) {
      readAt = nanoTime.getAsLong();
      try {
        current = read(dir);
      } catch (RuntimeException keepLastGood) {
        // The next refresh tries again; a caller never sees "no credentials" after a good read.
      }
    }
    return current;
  }

  /** Reads every non-hidden regular file of {@code dir}; {@code token} must be one of them. */
  static ShardCredentials read(Path dir) {
    String token = null;
    List<String> accepted = new ArrayList<>();
    // Sorted, so the set is the same whatever order the file system lists.
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        // The kubelet's own entries (..data, ..2026_11_22...) start with dots.
        if (!p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)) {
          files.add(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list shard credentials in " + dir, e);
    }
    files.sort(null);
    for (Path p : files) {
      String value;
      try {
        value = Files.readString(p, StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read shard credential " + p, e);
      }
      if (value.isEmpty()) {
        continue;
      }
      accepted.add(value);
      if (p.getFileName().toString().equals(TOKEN_KEY)) {
        token = value;
      }
    }
    if (token == null) {
      throw new IllegalStateException(
          dir + " holds no non-empty '" + TOKEN_KEY + "' file (the shard credential to send)");
    }
    return new ShardCredentials(token, accepted);
  }
}
