package io.shardeddb.router.mysql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The password proofs of MySQL's two common auth plugins, computed from the password the server
 * knows (the router's token) and compared in constant time. The password itself never travels.
 */
final class Scramble {
  static final String NATIVE = "mysql_native_password";
  static final String CACHING_SHA2 = "caching_sha2_password";

  private Scramble() {}

  /** {@code mysql_native_password}: SHA1(pw) XOR SHA1(salt + SHA1(SHA1(pw))). */
  static byte[] nativePassword(String password, byte[] salt) {
    if (password.isEmpty()) {
      return new byte[0];
    }
    byte[] h1 = digest("SHA-1", password.getBytes(StandardCharsets.UTF_8));
    byte[] h2 = digest("SHA-1", h1);
    return xor(h1, digest("SHA-1", salt, h2));
  }

  /** {@code caching_sha2_password}: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + salt). */
  static byte[] cachingSha2(String password, byte[] salt) {
    if (password.isEmpty()) {
      return new byte[0];
    }
    byte[] h1 = digest("SHA-256", password.getBytes(StandardCharsets.UTF_8));
    byte[] h2 = digest("SHA-256", h1);
    return xor(h1, digest("SHA-256", h2, salt));
  }

  /** Whether {@code response} proves {@code password} under {@code plugin} (a known one). */
  static boolean matches(String plugin, String password, byte[] salt, byte[] response) {
    byte[] expected =
        CACHING_SHA2.equals(plugin) ? cachingSha2(password, salt) : nativePassword(password, salt);
    return MessageDigest.isEqual(expected, response);
  }

  private static byte[] digest(String algorithm, byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance(algorithm);
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] xor(byte[] a, byte[] b) {
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] ^ b[i]);
    }
    return out;
  }
}
