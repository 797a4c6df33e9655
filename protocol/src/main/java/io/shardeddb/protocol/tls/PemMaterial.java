package io.shardeddb.protocol.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TLS material of one process, parsed from PEM: the CA certificates it trusts, and (when it has
 * an identity) its private key with its certificate chain. The files follow the layout of a {@code
 * kubernetes.io/tls} Secret: {@code ca.crt}, {@code tls.crt}, {@code tls.key}.
 */
public record PemMaterial(
    List<X509Certificate> authorities, PrivateKey key, List<X509Certificate> chain) {

  /** The file (Secret key) holding the CA certificates. */
  public static final String CA_FILE = "ca.crt";

  /** The file (Secret key) holding the certificate chain, leaf first. */
  public static final String CERT_FILE = "tls.crt";

  /** The file (Secret key) holding the PKCS#8 private key. */
  public static final String KEY_FILE = "tls.key";

  private static final Pattern BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----", Pattern.DOTALL);

  public PemMaterial {
    authorities = List.copyOf(authorities);
    chain = chain == null ? List.of() : List.copyOf(chain);
    if (authorities.isEmpty() && key == null) {
      throw new IllegalArgumentException("neither a CA certificate to trust nor an identity");
    }
    if ((key == null) != chain.isEmpty()) {
      throw new IllegalArgumentException("a private key needs its certificate chain and back");
    }
  }

  /**
   * Parses PEM text: {@code certPem}/{@code keyPem} both or neither; {@code caPem} may be null only
   * when they are given (a server identity that trusts nobody, e.g. a user's router certificate).
   */
  public static PemMaterial parse(String caPem, String certPem, String keyPem) {
    List<X509Certificate> ca = caPem == null || caPem.isBlank() ? List.of() : certificates(caPem);
    if (certPem == null || keyPem == null || certPem.isBlank() || keyPem.isBlank()) {
      return new PemMaterial(ca, null, List.of());
    }
    return new PemMaterial(ca, privateKey(keyPem), certificates(certPem));
  }

  /** Whether this material holds an identity (a key and its chain) besides trust. */
  public boolean hasIdentity() {
    return key != null;
  }

  /** Every {@code CERTIFICATE} block of {@code pem}, in order. */
  public static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : blocks(pem, "CERTIFICATE")) {
        out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no CERTIFICATE block in the PEM text");
    }
    return out;
  }

  /** The PKCS#8 {@code PRIVATE KEY} of {@code pem} (EC or RSA). */
  public static PrivateKey privateKey(String pem) {
    List<byte[]> keys = blocks(pem, "PRIVATE KEY");
    if (keys.size() != 1) {
      throw new IllegalArgumentException("expected one PKCS#8 PRIVATE KEY block");
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0));
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException tryNext) {
        // another algorithm
      }
    }
    throw new IllegalArgumentException("unsupported private key algorithm");
  }

  /** PEM text of certificates. */
  public static String pem(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    try {
      for (X509Certificate c : certificates) {
        out.append(pem("CERTIFICATE", c.getEncoded()));
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(e);
    }
    return out.toString();
  }

  /** PEM text of a private key, PKCS#8. */
  public static String pem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static List<byte[]> blocks(String pem, String type) {
    List<byte[]> out = new ArrayList<>();
    if (pem == null) {
      return out;
    }
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        out.add(Base64.getMimeDecoder().decode(m.group(2)));
      }
    }
    return out;
  }
}
