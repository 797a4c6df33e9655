package io.shardeddb.protocol.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the identity {@code source} holds now (its key and chain), so a renewed certificate is
 * used from the next handshake on.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

  /** The one alias this manager knows. */
  static final String ALIAS = "shardeddb";

  private final TlsMaterialSource source;

  /** Presents {@code source}'s identity. */
  public ReloadingKeyManager(TlsMaterialSource source) {
    this.source = source;
  }

  private String alias(String... keyTypes) {
    PemMaterial material = source.get();
    if (!material.hasIdentity()) {
      return null;
    }
    String algorithm = material.key().getAlgorithm();
    if (keyTypes == null) {
      return ALIAS;
    }
    for (String type : keyTypes) {
      // JSSE asks for "EC", "RSA", "EdDSA", or TLS 1.2 forms such as "EC_EC".
      if (type != null && (type.startsWith(algorithm) || algorithm.startsWith(type))) {
        return ALIAS;
      }
    }
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    String alias = alias(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    PemMaterial material = source.get();
    return ALIAS.equals(alias) && material.hasIdentity()
        ? material.chain().toArray(X509Certificate[]::new)
        : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    PemMaterial material = source.get();
    return ALIAS.equals(alias) ? material.key() : null;
  }
}
