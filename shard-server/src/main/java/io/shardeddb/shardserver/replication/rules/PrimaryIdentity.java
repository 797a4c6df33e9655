package io.shardeddb.shardserver.replication.rules;

import io.shardeddb.protocol.topology.Role;

/**
 * Rules 4 and 7: who answers a secondary's pull from its primary. A secondary names the primary it
 * follows and that primary's epoch; only that replica, as the unfenced primary of that epoch,
 * answers. An address can be served by another process than the one the secondary last heard of (a
 * pod moved and its address was reused): that server's log must not verify the secondary (rule 4),
 * nor its snapshot become the secondary's copy of the primary's history (rule 7).
 */
public final class PrimaryIdentity {
  private PrimaryIdentity() {}

  /** What is pulled: log entries (catch-up, verification) or a snapshot (a re-copy). */
  public enum Pull {
    LOG,
    SNAPSHOT
  }

  /**
   * The server a pull reached, as it is now. {@code serving}: false when it stopped serving its
   * epoch for good (an overlap-commit term abandoned after entries it sent were never committed in
   * its own storage, {@code WriteCoordinator.abandon}): its log may end before entries its
   * followers hold, so its answer would send them to re-copy — a follower's data gone while the
   * shard waits for an election that needs it.
   */
  public record Server(String name, Role role, boolean fenced, long epoch, boolean serving) {}

  /**
   * Whether {@code server} answers a pull whose caller follows {@code primary} as the primary of
   * {@code epoch} (a secondary's catch-up or re-copy, or a move's import reading the range from the
   * source primary it chose by heartbeat); a caller naming nobody ({@code primary} null: an older
   * caller) is not checked, and a null {@code epoch} checks the name, role and fence only. A
   * primary that stopped serving its epoch ({@link Server#serving}) answers nobody who follows it:
   * its followers keep what they hold until the operator elects a new primary (rule 2), which may
   * be one of them.
   */
  public static boolean answers(String primary, Long epoch, Server server) {
    if (primary == null) {
      return true;
    }
    return primary.equals(server.name())
        && server.role() == Role.Primary
        && !server.fenced()
        && server.serving()
        && (epoch == null || epoch == server.epoch());
  }
}
