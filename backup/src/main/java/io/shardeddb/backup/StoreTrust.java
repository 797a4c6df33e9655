package io.shardeddb.backup;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The trust of a store client given a custom CA ({@code spec.backup.store.caSecret}): the JVM's
 * default CAs and the given ones, so a private store's certificate verifies and a public one (AWS
 * S3) still does. Hostname verification stays the HTTP client's.
 */
final class StoreTrust {
  private StoreTrust() {}

  /** Trust managers for the JVM's CAs plus every certificate in {@code pem}. */
  static TrustManager[] withCa(String pem) {
    List<X509Certificate> custom = certificates(pem);
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate c : jvmDefaults()) {
        store.setCertificateEntry("jvm-" + i++, c);
      }
      i = 0;
      for (X509Certificate c : custom) {
        store.setCertificateEntry("store-ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build the backup store's trust: " + e, e);
    }
  }

  /** The certificates of a PEM bundle; an {@link IllegalArgumentException} when there are none. */
  static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    try {
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalArgumentException(
          "the backup store's CA (" + StoreSettings.SECRET_CA + ") is not PEM certificates: " + e,
          e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "the backup store's CA (" + StoreSettings.SECRET_CA + ") holds no PEM certificate");
    }
    return out;
  }

  private static List<X509Certificate> jvmDefaults() throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    List<X509Certificate> out = new ArrayList<>();
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        out.addAll(List.of(x.getAcceptedIssuers()));
      }
    }
    return out;
  }
}
