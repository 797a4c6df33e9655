package io.shardeddb.operator.cert;

import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The CAs of one pass: the one certificates are issued from ({@code signer}; null while none can
 * be, e.g. the user's CA Secret is unusable: then nothing is issued and what is stored is kept),
 * the ones whose certificates are kept rather than issued again ({@code accepted}), the ones every
 * {@code ca.crt} holds ({@code bundle}), and the certificates appended after each issued one (the
 * user's CA and its intermediates, so a client that trusts the organisation's root can verify).
 */
public record Authorities(
    CertificateAuthority signer,
    List<X509Certificate> accepted,
    List<X509Certificate> bundle,
    List<X509Certificate> chain) {

  public Authorities {
    accepted = List.copyOf(accepted);
    bundle = List.copyOf(bundle);
    chain = List.copyOf(chain);
  }

  /** One CA, issuing and alone in the bundle. */
  public static Authorities of(CertificateAuthority ca) {
    return new Authorities(ca, List.of(ca.certificate()), List.of(ca.certificate()), List.of());
  }

  /**
   * The CAs of {@code state}, with the keys it holds or {@code user}'s (null: none) for a CA of the
   * user's: the CA in force issues, or while trusting a new CA whose predecessor's key is gone (the
   * user replaced it), the new one.
   */
  public static Authorities of(
      CaRotation.State state, CaRotation.UserCa user, SecureRandom random) {
    CertificateAuthority signer = withKey(state.active(), user, random);
    if (signer == null && state.phase() == CaRotation.Phase.Trusting) {
      signer = withKey(state.next(), user, random);
    }
    List<X509Certificate> accepted = new ArrayList<>(List.of(state.active().certificate()));
    if (signer != null && !accepted.contains(signer.certificate())) {
      accepted.add(signer.certificate());
    }
    List<X509Certificate> chain = new ArrayList<>();
    if (signer != null
        && user != null
        && user.ca() != null
        && user.ca().certificate().equals(signer.certificate())
        && !selfSigned(signer.certificate())) {
      chain.add(signer.certificate());
      chain.addAll(user.chain());
    }
    return new Authorities(signer, accepted, state.bundle(), chain);
  }

  private static CertificateAuthority withKey(
      CaRotation.Ca ca, CaRotation.UserCa user, SecureRandom random) {
    if (ca == null) {
      return null;
    }
    if (ca.key() != null) {
      return CertificateAuthority.of(ca.certificate(), ca.key(), random);
    }
    if (user != null && user.ca() != null && user.ca().certificate().equals(ca.certificate())) {
      return CertificateAuthority.of(ca.certificate(), user.ca().key(), random);
    }
    return null;
  }

  /** Whether {@code c} is a root (issued by itself). */
  static boolean selfSigned(X509Certificate c) {
    if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
      return false;
    }
    try {
      c.verify(c.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Whether certificates can be issued this pass. */
  public boolean issuing() {
    return signer != null;
  }

  /** The {@code ca.crt} text. */
  public String bundlePem() {
    return PemMaterial.pem(bundle);
  }

  /** Whether {@code certificate} was issued by one of the accepted CAs. */
  public boolean acceptedIssuerOf(X509Certificate certificate) {
    for (X509Certificate ca : accepted) {
      try {
        certificate.verify(ca.getPublicKey());
        return true;
      } catch (GeneralSecurityException | RuntimeException notThisOne) {
        // try the next
      }
    }
    return false;
  }
}
