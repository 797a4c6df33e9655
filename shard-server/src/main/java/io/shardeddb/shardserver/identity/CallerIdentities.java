package io.shardeddb.shardserver.identity;

import io.shardeddb.protocol.tls.TlsIdentity;
import io.shardeddb.shardserver.config.TlsFactory;
import jakarta.inject.Singleton;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link CallerCheck} to the calls this server receives (the HTTP filter and the
 * replication stream): this server's own identity from the certificate it presents now (read again
 * as it is renewed), the clock, and a warning logged (at most every {@link #WARN_EVERY}) when a
 * certificate naming no identity is let through during an upgrade.
 */
@Singleton
public class CallerIdentities {
  private static final Logger LOG = LoggerFactory.getLogger(CallerIdentities.class);
  static final Duration WARN_EVERY = Duration.ofSeconds(30);

  private final TlsFactory.ServerTls tls;
  private final ExportGrants grants;
  private final AtomicReference<Instant> lastWarned = new AtomicReference<>(Instant.EPOCH);
  private volatile X509Certificate ownCertificate;
  private volatile CallerCheck.Self self = CallerCheck.Self.LEGACY;

  public CallerIdentities(TlsFactory.ServerTls tls, ExportGrants grants) {
    this.tls = tls;
    this.grants = grants;
  }

  /** Whether the caller presenting {@code chain} (null or empty: none) may make {@code call}. */
  public Decision check(Certificate[] chain, Call call) {
    CallerCheck.Caller caller =
        chain != null && chain.length > 0 && chain[0] instanceof X509Certificate c
            ? CallerCheck.Caller.of(c)
            : CallerCheck.Caller.NONE;
    Instant now = Instant.now();
    Decision decision = CallerCheck.decide(caller, self(), call, grants.current(now), now);
    if (decision instanceof Decision.AllowedLegacy legacy) {
      warn(legacy.warning(), now);
    }
    return decision;
  }

  /**
   * Whether a {@code /replicate} naming {@code primary} may come from the caller presenting {@code
   * chain}: checked only while this server's certificate names its identity.
   */
  public Decision sender(Certificate[] chain, String primary) {
    if (self().identity().isEmpty()
        || chain == null
        || chain.length == 0
        || !(chain[0] instanceof X509Certificate c)) {
      return Decision.ALLOWED;
    }
    Optional<TlsIdentity> sender = TlsIdentity.of(c).identity();
    return CallerCheck.sender(sender, primary);
  }

  /** This server as the certificate it presents now says. */
  public CallerCheck.Self self() {
    if (tls.source().isEmpty()) {
      return CallerCheck.Self.LEGACY;
    }
    List<X509Certificate> chain = tls.source().get().get().chain();
    X509Certificate own = chain == null || chain.isEmpty() ? null : chain.get(0);
    if (own == null) {
      return CallerCheck.Self.LEGACY;
    }
    if (!own.equals(ownCertificate)) {
      self = CallerCheck.Self.of(own);
      ownCertificate = own;
    }
    return self;
  }

  private void warn(String warning, Instant now) {
    Instant last = lastWarned.get();
    if (now.isAfter(last.plus(WARN_EVERY)) && lastWarned.compareAndSet(last, now)) {
      LOG.warn("{}", warning);
    }
  }
}
