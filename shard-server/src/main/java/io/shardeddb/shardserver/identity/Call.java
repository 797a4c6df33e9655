package io.shardeddb.shardserver.identity;

import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.protocol.topology.PointRange;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a call to a shard-server needs of its caller's certificate: the kind decides the role and
 * how close the caller must be (same database; for replication, same shard), the endpoint names it
 * in refusals.
 *
 * @param kind what the call does
 * @param endpoint the path called (or {@code replication stream}), for messages
 * @param range the point range an export asks for ({@code low} and {@code size}; null otherwise, or
 *     when they cannot be read)
 */
public record Call(Kind kind, String endpoint, PointRange range) {

  /** A call that names no range. */
  public Call(Kind kind, String endpoint) {
    this(kind, endpoint, null);
  }

  /** The kinds of calls, each with the role it takes and the scope its caller must share. */
  public enum Kind {
    /**
     * {@code /heartbeat} and {@code /home} (the assignment's greeting): any role of this database.
     */
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
     * import, read by the destination shard's pods: a pod of this shard, or of the shard the
     * operator granted that range to ({@link ExportGrants}).
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
    return of(path, rangeQuery, null, dataPath);
  }

  /** As {@link #of(String, boolean, boolean)}, with the export's {@code range} (null: unread). */
  public static Call of(String path, boolean rangeQuery, PointRange range, boolean dataPath) {
    if (path.equals("/heartbeat") || path.equals("/home")) {
      return new Call(Kind.HEARTBEAT, path);
    }
    if (dataPath) {
      return new Call(Kind.DATA, path);
    }
    return switch (path) {
      case "/log", "/snapshot" ->
          rangeQuery ? new Call(Kind.EXPORT, path, range) : new Call(Kind.REPLICATION, path);
      case "/replicate", "/replicate/stream" -> new Call(Kind.REPLICATION, path);
      default -> new Call(Kind.CONTROL, path);
    };
  }
}
