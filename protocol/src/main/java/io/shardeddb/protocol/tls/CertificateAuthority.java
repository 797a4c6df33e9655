package io.shardeddb.protocol.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A database's certificate authority (Bouncy Castle's certificate builder over JDK keys): creates
 * the CA, and issues the certificates of the database's components, each naming its {@link TlsRole}
 * in a URI subject alternative name beside its DNS names. Keys are EC P-256; a CA the user supplies
 * may hold an RSA or Ed25519 key, and signs with it. Only the operator (and tests) issue; Bouncy
 * Castle is an optional dependency of this module.
 */
public final class CertificateAuthority {

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final SecureRandom random;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key, SecureRandom random) {
    this.certificate = certificate;
    this.key = key;
    this.random = random;
  }

  /** A certificate and its key, as issued. */
  public record Issued(X509Certificate certificate, PrivateKey key) {
    /** The certificate as PEM. */
    public String certificatePem() {
      return PemMaterial.pem(List.of(certificate));
    }

    /** The key as PKCS#8 PEM. */
    public String keyPem() {
      return PemMaterial.pem(key);
    }
  }

  /** A new self-signed CA named {@code commonName}, valid from {@code now} for {@code validity}. */
  public static CertificateAuthority create(
      String commonName, Instant now, Duration validity, SecureRandom random) {
    KeyPair pair = keyPair(random);
    X500Name name = name(commonName);
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  name,
                  serial(random),
                  Date.from(now.minus(Duration.ofMinutes(5))),
                  Date.from(now.plus(validity)),
                  name,
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  utils.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate(), random);
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot create the CA: " + e.getMessage(), e);
    }
  }

  /** The CA stored earlier (its certificate and key). */
  public static CertificateAuthority of(
      X509Certificate certificate, PrivateKey key, SecureRandom random) {
    return new CertificateAuthority(certificate, key, random);
  }

  /** The CA's certificate (what every component trusts). */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA's key (stays in the operator's Secret; never mounted into a pod). */
  public PrivateKey key() {
    return key;
  }

  /**
   * Issues a certificate for {@code role}, named {@code commonName}, valid for {@code dnsNames} and
   * {@code ipAddresses}, from {@code now} for {@code validity} (never past the CA's own end).
   */
  public Issued issue(
      TlsRole role,
      String commonName,
      List<String> dnsNames,
      List<String> ipAddresses,
      Instant now,
      Duration validity) {
    return issue(role, null, commonName, dnsNames, ipAddresses, now, validity);
  }

  /**
   * Issues a certificate for {@code identity} (its role, and its {@link TlsIdentity#uri()} as a
   * second URI subject alternative name), otherwise as {@link #issue(TlsRole, String, List, List,
   * Instant, Duration)}.
   */
  public Issued issue(
      TlsIdentity identity,
      String commonName,
      List<String> dnsNames,
      List<String> ipAddresses,
      Instant now,
      Duration validity) {
    return issue(identity.role(), identity, commonName, dnsNames, ipAddresses, now, validity);
  }

  private Issued issue(
      TlsRole role,
      TlsIdentity identity,
      String commonName,
      List<String> dnsNames,
      List<String> ipAddresses,
      Instant now,
      Duration validity) {
    KeyPair pair = keyPair(random);
    Instant end = now.plus(validity);
    if (end.isAfter(certificate.getNotAfter().toInstant())) {
      end = certificate.getNotAfter().toInstant();
    }
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, role.uri()));
    if (identity != null) {
      names.add(new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri()));
    }
    dnsNames.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
    ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
    KeyPurposeId[] purposes =
        role == TlsRole.OPERATOR
            ? new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}
            : new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth};
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  certificate,
                  serial(random),
                  Date.from(now.minus(Duration.ofMinutes(5))),
                  Date.from(end),
                  name(commonName),
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
              .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(names.toArray(GeneralName[]::new)))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  utils.createAuthorityKeyIdentifier(certificate))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  utils.createSubjectKeyIdentifier(pair.getPublic()));
      return new Issued(sign(builder, key), pair.getPrivate());
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
    }
  }

  /** Whether {@code key} is the private key of {@code certificate} (a signature round trip). */
  public static boolean matches(X509Certificate certificate, PrivateKey key) {
    try {
      byte[] probe = "shardeddb-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      java.security.Signature sign = java.security.Signature.getInstance(signature(key));
      sign.initSign(key);
      sign.update(probe);
      byte[] signed = sign.sign();
      java.security.Signature verify = java.security.Signature.getInstance(signature(key));
      verify.initVerify(certificate.getPublicKey());
      verify.update(probe);
      return verify.verify(signed);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** The signature algorithm a CA with {@code key} signs with. */
  private static String signature(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> "SHA256withECDSA";
    };
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder(signature(signer)).build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "ShardedDB")
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static KeyPair keyPair(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 key generator: " + e.getMessage(), e);
    }
  }
}
