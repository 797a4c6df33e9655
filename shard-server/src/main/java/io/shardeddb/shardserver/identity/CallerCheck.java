package io.shardeddb.shardserver.identity;

import io.shardeddb.protocol.shard.ExportGrant;
import io.shardeddb.protocol.tls.TlsIdentity;
import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.shardserver.identity.Decision.AllowedLegacy;
import io.shardeddb.shardserver.identity.Decision.Refused;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may make which call to a shard-server, decided from the caller's client certificate and this
 * server's own (pure: no I/O, no clock of its own). The role must be the call's ({@link
 * Call.Kind}); when this server's certificate names its database, shard and pod ({@link
 * TlsIdentity}), the caller's must name the same database, and for replication the same shard; a
 * move's import reads ({@link Call.Kind#EXPORT}) take this shard's pods or the pods of the shard
 * the operator granted the range to ({@link ExportGrant}). A server whose own certificate names no
 * identity (issued before identities) checks the role only, as before.
 *
 * <p>A caller certificate naming no identity is accepted (with a warning) only during an upgrade:
 * when it was issued before this server's certificate, and for {@link #LEGACY_GRACE} after this
 * server's certificate was issued, long enough for every pod and router to read its re-issued pair
 * (the kubelet's sync, about a minute, and the 10 s reload). Afterwards it is refused.
 */
public final class CallerCheck {

  /** How long after this server's certificate was issued an identity-less caller still passes. */
  public static final Duration LEGACY_GRACE = Duration.ofMinutes(15);

  private CallerCheck() {}

  /** The caller's certificate as read: its role, its identity and when it was issued. */
  public record Caller(Optional<TlsRole> role, TlsIdentity.Read identity, Instant issued) {
    /** A caller without a client certificate. */
    public static final Caller NONE =
        new Caller(Optional.empty(), new TlsIdentity.Read(Optional.empty(), false), Instant.MAX);

    /** What {@code certificate} says of its holder. */
    public static Caller of(X509Certificate certificate) {
      return new Caller(
          TlsRole.of(certificate),
          TlsIdentity.of(certificate),
          certificate.getNotBefore().toInstant());
    }
  }

  /** This server as its own certificate says: its identity (if any) and when it was issued. */
  public record Self(Optional<TlsIdentity> identity, Instant issued) {
    /** A server whose certificate names no identity: the role alone decides. */
    public static final Self LEGACY = new Self(Optional.empty(), Instant.EPOCH);

    /** What this server's own {@code certificate} says. */
    public static Self of(X509Certificate certificate) {
      return new Self(
          TlsIdentity.of(certificate).identity(), certificate.getNotBefore().toInstant());
    }
  }

  /** As {@link #decide(Caller, Self, Call, List, Instant)} with no export granted. */
  public static Decision decide(Caller caller, Self self, Call call, Instant now) {
    return decide(caller, self, call, List.of(), now);
  }

  /**
   * Whether {@code caller} may make {@code call} on the server {@code self} at {@code now}, the
   * operator having granted {@code grants} (in force) to this server.
   */
  public static Decision decide(
      Caller caller, Self self, Call call, List<ExportGrant> grants, Instant now) {
    if (caller.role().isEmpty() || !call.kind().roles().contains(caller.role().get())) {
      return new Refused(wrongRole(call, caller.role()));
    }
    if (self.identity().isEmpty()) {
      return Decision.ALLOWED;
    }
    TlsIdentity me = self.identity().get();
    if (caller.identity().malformed()) {
      return new Refused(
          call.endpoint()
              + " takes a certificate naming one identity of database "
              + me.databaseKey()
              + " that agrees with its role; this one names a malformed or conflicting identity");
    }
    Optional<TlsIdentity> them = caller.identity().identity();
    return them.isEmpty()
        ? legacy(caller, self, me, call, now)
        : scope(them.get(), me, call, grants);
  }

  /**
   * Whether a {@code /replicate} naming {@code primary} may come from {@code sender} (its
   * certificate's identity; empty: none, or TLS off): only the pod the request names as primary
   * sends it, so the body cannot lie about who sends it.
   */
  public static Decision sender(Optional<TlsIdentity> sender, String primary) {
    if (sender.isEmpty() || Objects.equals(sender.get().pod(), primary)) {
      return Decision.ALLOWED;
    }
    return new Refused(
        "/replicate names primary "
            + primary
            + " but comes from pod "
            + sender.get().pod()
            + " (its certificate); a pod replicates only as itself");
  }

  private static Decision scope(
      TlsIdentity them, TlsIdentity me, Call call, List<ExportGrant> grants) {
    if (!them.sameDatabase(me)) {
      return new Refused(
          call.endpoint()
              + " takes only certificates of database "
              + me.databaseKey()
              + expectedScope(me, call)
              + "; got one of database "
              + them.databaseKey()
              + " ("
              + them.uri()
              + ")");
    }
    boolean podCall = call.kind() == Call.Kind.REPLICATION || call.kind() == Call.Kind.EXPORT;
    if (podCall && (them.shard() == null || them.pod() == null)) {
      return new Refused(call.endpoint() + " takes a certificate naming a pod; got " + them.uri());
    }
    if (call.kind() == Call.Kind.REPLICATION && !them.shard().equals(me.shard())) {
      return new Refused(
          call.endpoint()
              + " takes only pods of shard "
              + me.shard()
              + " of database "
              + me.databaseKey()
              + "; got pod "
              + them.pod()
              + " of shard "
              + them.shard()
              + " (a move's import reads /log and /snapshot of a point range, low and size)");
    }
    if (call.kind() == Call.Kind.EXPORT
        && !them.shard().equals(me.shard())
        && !granted(grants, them.shard(), call)) {
      return new Refused(
          call.endpoint()
              + " of range "
              + (call.range() == null ? "?" : call.range())
              + " takes pods of shard "
              + me.shard()
              + ", or of a shard the operator granted that range to (a move's destination); got"
              + " pod "
              + them.pod()
              + " of shard "
              + them.shard()
              + ", granted "
              + grants.stream().map(g -> g.destination() + " " + g.range()).toList());
    }
    return Decision.ALLOWED;
  }

  /** Whether a grant lets {@code shard} read the range {@code call} asks for (all of it). */
  private static boolean granted(List<ExportGrant> grants, String shard, Call call) {
    return call.range() != null
        && grants.stream()
            .anyMatch(
                g ->
                    shard.equals(g.destination())
                        && g.range().low() <= call.range().low()
                        && call.range().highExclusive() <= g.range().highExclusive());
  }

  private static Decision legacy(Caller caller, Self self, TlsIdentity me, Call call, Instant now) {
    Instant until = self.issued().plus(LEGACY_GRACE);
    if (caller.issued().isBefore(self.issued()) && now.isBefore(until)) {
      return new AllowedLegacy(
          "accepted on "
              + call.endpoint()
              + " a "
              + caller.role().map(TlsRole::label).orElse("?")
              + " certificate naming no database (issued before identities) until "
              + until
              + "; the operator re-issues it with the identity of database "
              + me.databaseKey());
    }
    return new Refused(
        call.endpoint()
            + " takes a certificate naming database "
            + me.databaseKey()
            + expectedScope(me, call)
            + "; this one names no database (issued before identities; the operator re-issues it)");
  }

  private static String expectedScope(TlsIdentity me, Call call) {
    return switch (call.kind()) {
      case REPLICATION -> ", shard " + me.shard();
      case DATA -> ", role router";
      case CONTROL -> ", role operator";
      case HEARTBEAT, EXPORT -> "";
    };
  }

  private static String wrongRole(Call call, Optional<TlsRole> role) {
    return "this endpoint takes a client certificate of role "
        + call.kind().roles().stream().map(TlsRole::label).sorted().toList()
        + " from the database's CA; got "
        + role.map(r -> "role " + r.label()).orElse("none");
  }
}
