package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/**
 * TLS on every hop: the operator's per-database CA (or the user's, {@code caSecret}) and the
 * certificates it issues.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TlsSpec(
    @JsonPropertyDescription(
            "TLS on every connection (operator, routers and shard-servers; mTLS identities per"
                + " role), with a CA the operator runs for this database and certificates it"
                + " renews before they expire. false sends credentials and rows in clear text;"
                + " the operator reports it with a Warning condition.")
        @Default("true")
        Boolean enabled,
    @JsonPropertyDescription(
            "Serve the router's client port (8080) as plain HTTP, for clients that cannot speak"
                + " TLS (the assignment's course client); every internal hop stays TLS. Reported"
                + " with a Warning condition.")
        @Default("false")
        Boolean routerPlainHttp,
    @JsonPropertyDescription(
            "A kubernetes.io/tls Secret (tls.crt, tls.key) the router serves to its clients"
                + " instead of the certificate from the database's CA.")
        String routerCertificateSecret,
    @JsonPropertyDescription(
            "A Secret in the database's namespace holding the CA to issue every certificate"
                + " from, in cert-manager's layout: tls.crt (the CA certificate, then any"
                + " intermediates), tls.key (its private key: PKCS#8, PKCS#1 or SEC 1), optionally ca.crt (the"
                + " chain to the root). The operator never writes it and does not rotate it;"
                + " when its content changes, every certificate is issued again from the new CA"
                + " with both CAs trusted meanwhile. Unset: the operator runs its own CA.")
        String caSecret) {

  /** TLS with these three settings and the operator's own CA. */
  public TlsSpec(Boolean enabled, Boolean routerPlainHttp, String routerCertificateSecret) {
    this(enabled, routerPlainHttp, routerCertificateSecret, null);
  }

  /** Whether TLS is on (default true). */
  public boolean enabledOrDefault() {
    return enabled == null || enabled;
  }

  /** Whether the router serves its clients plain HTTP (default false). */
  public boolean routerPlainHttpOrDefault() {
    return routerPlainHttp != null && routerPlainHttp;
  }
}
