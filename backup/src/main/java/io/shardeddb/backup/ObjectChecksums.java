package io.shardeddb.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Checksums on every object the backup store writes whole (backup review 2026-11-26 M4): the
 * request carries {@code Content-MD5}, which every S3-compatible store verifies on arrival (the
 * SDK's newer trailing checksums are off: not every store accepts them), and the object keeps its
 * SHA-256 in user metadata ({@code x-amz-meta-sha256}), checked on every read, so a body damaged at
 * rest or in transit is an error, never a segment replayed or a state adopted. An object without
 * the metadata (written before 2026-11-26, or a streamed snapshot, which checks its rows itself) is
 * read as it is.
 */
final class ObjectChecksums {
  /** The user-metadata key of an object's SHA-256 (hex). */
  static final String SHA256 = "sha256";

  private ObjectChecksums() {}

  /** {@code request} with the checksums of {@code body}. */
  static PutObjectRequest.Builder on(PutObjectRequest.Builder request, byte[] body) {
    return request
        .contentMD5(Base64.getEncoder().encodeToString(digest("MD5").digest(body)))
        .metadata(Map.of(SHA256, HexFormat.of().formatHex(digest("SHA-256").digest(body))));
  }

  /** {@code body} if it matches the SHA-256 in {@code metadata} (or there is none). */
  static byte[] verify(
      String key, Map<String, String> metadata, byte[] body, StoreSettings settings) {
    String expected = metadata == null ? null : metadata.get(SHA256);
    if (expected != null
        && !expected.equalsIgnoreCase(HexFormat.of().formatHex(digest("SHA-256").digest(body)))) {
      throw damaged(key, settings);
    }
    return body;
  }

  /** {@code in}, checked against the SHA-256 in {@code metadata} once it is read to its end. */
  static InputStream verifying(
      String key, Map<String, String> metadata, InputStream in, StoreSettings settings) {
    String expected = metadata == null ? null : metadata.get(SHA256);
    if (expected == null) {
      return in;
    }
    MessageDigest sha = digest("SHA-256");
    return new FilterInputStream(in) {
      private boolean checked;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
          end();
        } else {
          sha.update((byte) b);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n < 0) {
          end();
        } else {
          sha.update(buf, off, n);
        }
        return n;
      }

      private void end() throws IOException {
        if (!checked) {
          checked = true;
          if (!expected.equalsIgnoreCase(HexFormat.of().formatHex(sha.digest()))) {
            throw new IOException(damaged(key, settings).getMessage());
          }
        }
      }
    };
  }

  private static BackupStoreException damaged(String key, StoreSettings settings) {
    return new BackupStoreException(
        BackupStoreException.Reason.ObjectDamaged,
        "object "
            + key
            + " in "
            + settings.describe()
            + " does not match the SHA-256 it was stored with: damaged at rest or in transit;"
            + " not used",
        null);
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from this JVM", e);
    }
  }
}
