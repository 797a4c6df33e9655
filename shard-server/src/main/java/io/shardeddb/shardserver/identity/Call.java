package io.shardeddb.shardserver.identity;

import io.shardeddb.protocol.tls.TlsRole;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a call to a shard-server needs of its caller's certificate: the kind decides the role and
 * how close the caller must be (same database; for replication, same shard), the endpoint names it
 * in refusals.
 *
 * @param kind what the call does
 * @param endpoint the path called (or {@code replication stream}), for messages
 */
public record Call(Kind kind, String endpoint) {

  /** The kinds of calls, each with the role it takes and the scope its caller must share. */
  public enum Kind {
    /** {@code /heartbeat}: any role of this database. */
    HEARTBEAT(EnumSet.allOf(TlsRole.class)),
    /** Rows in and out: the router of this database. */
    DATA(EnumSet.of(TlsRole.ROUTER)),
    /**
     * Role, fence, config, ranges, import, resync, checksum, copy: the operator of this database.
     */
    CONTROL(EnumSet.of(TlsRole.OPERATOR)),
    /** {@code /replicate}, the stream, {@code /log}, {@code /snapshot}: a pod of this shard. */
    REPLICATION(EnumSet.of(TlsRole.SHARD_SERVER)),
    /**
     * {@code /log} and {@code /snapshot} of a point range ({@code low} and {@code size}): a move's
     * import, read by the destination shard's pods, so any shard-server pod of this database.
     */
    EXPORT(EnumSet.of(TlsRole.SHARD_SERVER));

    private final Set<TlsRole> roles;

    Kind(Set<TlsRole> roles) {
      this.roles = roles;
    }

    /** The roles this kind of call takes. */
    public Set<TlsRole> roles() {
      return roles;
    }
  }

  /**
   * The call to {@code path}; {@code rangeQuery} when it names a point range ({@code low} and
   * {@code size}), which makes {@code /log} and {@code /snapshot} an export.
   */
  public static Call of(String path, boolean rangeQuery, boolean dataPath) {
    if (path.equals("/heartbeat")) {
      return new Call(Kind.HEARTBEAT, path);
    }
    if (dataPath) {
      return new Call(Kind.DATA, path);
    }
    return switch (path) {
      case "/log", "/snapshot" -> new Call(rangeQuery ? Kind.EXPORT : Kind.REPLICATION, path);
      case "/replicate", "/replicate/stream" -> new Call(Kind.REPLICATION, path);
      default -> new Call(Kind.CONTROL, path);
    };
  }
}
