package io.shardeddb.protocol.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Where a process finds its TLS material: fixed (the operator, from a Secret it reads through the
 * API) or a directory holding a mounted Secret ({@code ca.crt}, {@code tls.crt}, {@code tls.key}),
 * read again at most once per {@code refresh}. The kubelet replaces a mounted Secret's files in
 * place when the operator renews a certificate, so new handshakes use the new key without a
 * restart. A directory that cannot be read (mid-swap) keeps the last good material in force.
 */
public final class TlsMaterialSource {

  /** How often a mounted directory is read again by default. */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(10);

  private final Path dir;
  private final String identity;
  private final long refreshNanos;
  private final LongSupplier nanoTime;
  private PemMaterial current;
  private long readAt;

  private TlsMaterialSource(
      Path dir, String identity, PemMaterial fixed, Duration refresh, LongSupplier nanoTime) {
    this.dir = dir;
    this.identity = identity;
    this.current = fixed;
    this.refreshNanos = refresh.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Fixed material. */
  public static TlsMaterialSource fixed(PemMaterial material) {
    return new TlsMaterialSource(null, null, material, Duration.ZERO, System::nanoTime);
  }

  /**
   * The material in {@code dir}, read now (failing when it is unusable) and every {@code refresh}.
   */
  public static TlsMaterialSource directory(Path dir, Duration refresh, LongSupplier nanoTime) {
    return directory(dir, null, refresh, nanoTime);
  }

  /**
   * The material in {@code dir} with the pair {@code <identity>.crt}/{@code <identity>.key} as this
   * process's identity (a shard-server's own pair in its shard's Secret of per-pod certificates,
   * chosen by its pod name), or {@code tls.crt}/{@code tls.key} while that pair is absent or {@code
   * identity} is null; read now (failing when unusable) and every {@code refresh}.
   */
  public static TlsMaterialSource directory(
      Path dir, String identity, Duration refresh, LongSupplier nanoTime) {
    String name = identity == null || identity.isBlank() ? null : identity.trim();
    if (name != null && (name.contains("/") || name.startsWith("."))) {
      throw new IllegalArgumentException("not a pod name: " + name);
    }
    TlsMaterialSource source = new TlsMaterialSource(dir, name, null, refresh, nanoTime);
    source.current = read(dir, name);
    source.readAt = nanoTime.getAsLong();
    return source;
  }

  /** The material in {@code dir}, read again at most every {@link #DEFAULT_REFRESH}. */
  public static TlsMaterialSource directory(Path dir) {
    return directory(dir, DEFAULT_REFRESH, System::nanoTime);
  }

  /** The material in force. */
  public synchronized PemMaterial get() {
    if (dir != null && nanoTime.getAsLong() - readAt >= refreshNanos) {
      readAt = nanoTime.getAsLong();
      try {
        current = read(dir, identity);
      } catch (RuntimeException keepLastGood) {
        // The next refresh tries again; a handshake never sees "no material" after a good read.
      }
    }
    return current;
  }

  /**
   * Reads {@code ca.crt} and, when both exist, {@code <identity>.crt}/{@code .key}, else {@code
   * tls.crt} and {@code tls.key}.
   */
  static PemMaterial read(Path dir, String identity) {
    Path cert = dir.resolve(PemMaterial.CERT_FILE);
    Path key = dir.resolve(PemMaterial.KEY_FILE);
    if (identity != null && Files.isRegularFile(dir.resolve(identity + ".crt"))) {
      cert = dir.resolve(identity + ".crt");
      key = dir.resolve(identity + ".key");
    }
    return PemMaterial.parse(text(dir.resolve(PemMaterial.CA_FILE)), text(cert), text(key));
  }

  private static String text(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
