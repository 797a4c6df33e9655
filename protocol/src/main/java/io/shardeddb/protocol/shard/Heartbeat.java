package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import java.util.List;

/**
 * {@code GET /heartbeat}: who this replica is and how far it is. {@code lastEntryEpoch} is the
 * epoch of the last log entry it holds, so that (lastEntryEpoch, appliedLsn) orders replicas by how
 * up to date they are when a new primary is chosen. {@code lagLsn} is the primary's LSN minus this
 * replica's, as last learned. {@code copy} is set while {@code state} is Copying. {@code
 * primaryUrl} is the address at which this replica was told its primary is (the one it pulls the
 * log from); null from shard-servers that predate the field. {@code owned} is the point ranges this
 * replica's shard owns as of its applied log; {@code importing} the progress of an import on a
 * primary (docs/resharding.md); both null from older shard-servers. {@code quorum} is a primary's
 * write quorum as it stands ({@link QuorumState}); null from secondaries and older shard-servers.
 * {@code primaryContactAgeMillis} is, on a secondary, how long ago it last received a request of
 * its epoch from the primary it follows (counted from when it took that role if none came since);
 * -1 when it follows no primary, 0 from older shard-servers. {@code primaryLost} says that age has
 * reached a lease period (DESIGN §5 rule 11: the operator acts on the secondaries' reports when it
 * cannot reach the primary itself); false from older shard-servers. {@code storageFormat} is what
 * this shard-server can store ({@link io.shardeddb.protocol.schema.StorageFormat}); 0 from older
 * shard-servers.
 */
@Serdeable
public record Heartbeat(
    String name,
    String shard,
    Role role,
    long epoch,
    long appliedLsn,
    long lastEntryEpoch,
    String primary,
    long lagLsn,
    ReplicaState state,
    CopyProgress copy,
    String primaryUrl,
    List<PointRange> owned,
    ImportProgress importing,
    QuorumState quorum,
    long primaryContactAgeMillis,
    boolean primaryLost,
    int storageFormat) {

  /** A heartbeat without a storage format (shard-servers before it). */
  public Heartbeat(
      String name,
      String shard,
      Role role,
      long epoch,
      long appliedLsn,
      long lastEntryEpoch,
      String primary,
      long lagLsn,
      ReplicaState state,
      CopyProgress copy,
      String primaryUrl,
      List<PointRange> owned,
      ImportProgress importing,
      QuorumState quorum,
      long primaryContactAgeMillis,
      boolean primaryLost) {
    this(
        name,
        shard,
        role,
        epoch,
        appliedLsn,
        lastEntryEpoch,
        primary,
        lagLsn,
        state,
        copy,
        primaryUrl,
        owned,
        importing,
        quorum,
        primaryContactAgeMillis,
        primaryLost,
        0);
  }

  /** A heartbeat without the secondary's report of its primary (shard-servers before it). */
  public Heartbeat(
      String name,
      String shard,
      Role role,
      long epoch,
      long appliedLsn,
      long lastEntryEpoch,
      String primary,
      long lagLsn,
      ReplicaState state,
      CopyProgress copy,
      String primaryUrl,
      List<PointRange> owned,
      ImportProgress importing,
      QuorumState quorum) {
    this(
        name,
        shard,
        role,
        epoch,
        appliedLsn,
        lastEntryEpoch,
        primary,
        lagLsn,
        state,
        copy,
        primaryUrl,
        owned,
        importing,
        quorum,
        0,
        false);
  }

  /** The same heartbeat with a primary's {@code quorum} state. */
  public Heartbeat withQuorum(QuorumState quorum) {
    return toBuilder().quorum(quorum).build();
  }

  /**
   * The same heartbeat saying another position ({@code appliedLsn}, {@code lastEntryEpoch}) and
   * state; {@code copy} stays only while the state is Copying.
   */
  public Heartbeat withPosition(long appliedLsn, long lastEntryEpoch, ReplicaState state) {
    return toBuilder()
        .appliedLsn(appliedLsn)
        .lastEntryEpoch(lastEntryEpoch)
        .state(state)
        .copy(state == ReplicaState.Copying ? copy : null)
        .build();
  }

  /** Whether the replica holds a role and is caught up (its readiness). */
  public boolean ready() {
    return state == ReplicaState.Ready;
  }

  /**
   * A heartbeat of replica {@code name} of {@code shard} built field by field: every field not set
   * is empty (0, null), as a shard-server that predates it sends it.
   */
  public static Builder builder(String name, String shard) {
    return new Builder().name(name).shard(shard);
  }

  /** A builder holding this heartbeat's fields, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .name(name)
        .shard(shard)
        .role(role)
        .epoch(epoch)
        .appliedLsn(appliedLsn)
        .lastEntryEpoch(lastEntryEpoch)
        .primary(primary)
        .lagLsn(lagLsn)
        .state(state)
        .copy(copy)
        .primaryUrl(primaryUrl)
        .owned(owned)
        .importing(importing)
        .quorum(quorum)
        .primaryContactAgeMillis(primaryContactAgeMillis)
        .primaryLost(primaryLost)
        .storageFormat(storageFormat);
  }

  /**
   * The same heartbeat with a secondary's report of its primary: how long ago it last heard from it
   * ({@code ageMillis}, -1 when it follows none) and whether that is a lease period or more.
   */
  public Heartbeat withPrimaryContact(long ageMillis, boolean lost) {
    return toBuilder().primaryContactAgeMillis(ageMillis).primaryLost(lost).build();
  }

  /** A {@link Heartbeat} by named fields (a new field is one more setter, not a constructor). */
  public static final class Builder {
    private String name;
    private String shard;
    private Role role;
    private long epoch;
    private long appliedLsn;
    private long lastEntryEpoch;
    private String primary;
    private long lagLsn;
    private ReplicaState state;
    private CopyProgress copy;
    private String primaryUrl;
    private List<PointRange> owned;
    private ImportProgress importing;
    private QuorumState quorum;
    private long primaryContactAgeMillis;
    private boolean primaryLost;
    private int storageFormat;

    private Builder() {}

    /** The replica's name (its pod). */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** The shard it holds. */
    public Builder shard(String shard) {
      this.shard = shard;
      return this;
    }

    /** Its role. */
    public Builder role(Role role) {
      this.role = role;
      return this;
    }

    /** The epoch it knows. */
    public Builder epoch(long epoch) {
      this.epoch = epoch;
      return this;
    }

    /** The last LSN it applied. */
    public Builder appliedLsn(long appliedLsn) {
      this.appliedLsn = appliedLsn;
      return this;
    }

    /** The epoch of its last log entry. */
    public Builder lastEntryEpoch(long lastEntryEpoch) {
      this.lastEntryEpoch = lastEntryEpoch;
      return this;
    }

    /** The primary it follows (or itself). */
    public Builder primary(String primary) {
      this.primary = primary;
      return this;
    }

    /** How far behind the primary it was last told it is. */
    public Builder lagLsn(long lagLsn) {
      this.lagLsn = lagLsn;
      return this;
    }

    /** Its state. */
    public Builder state(ReplicaState state) {
      this.state = state;
      return this;
    }

    /** A copy's progress (while Copying). */
    public Builder copy(CopyProgress copy) {
      this.copy = copy;
      return this;
    }

    /** Where it was told its primary is. */
    public Builder primaryUrl(String primaryUrl) {
      this.primaryUrl = primaryUrl;
      return this;
    }

    /** The point ranges its shard owns as of its applied log. */
    public Builder owned(List<PointRange> owned) {
      this.owned = owned;
      return this;
    }

    /** An import's progress on a primary. */
    public Builder importing(ImportProgress importing) {
      this.importing = importing;
      return this;
    }

    /** A primary's write quorum as it stands. */
    public Builder quorum(QuorumState quorum) {
      this.quorum = quorum;
      return this;
    }

    /** How long ago this secondary last heard from its primary (-1: it follows none). */
    public Builder primaryContactAgeMillis(long primaryContactAgeMillis) {
      this.primaryContactAgeMillis = primaryContactAgeMillis;
      return this;
    }

    /** Whether this secondary has not heard from its primary for a lease period. */
    public Builder primaryLost(boolean primaryLost) {
      this.primaryLost = primaryLost;
      return this;
    }

    /** What the shard-server can store ({@link io.shardeddb.protocol.schema.StorageFormat}). */
    public Builder storageFormat(int storageFormat) {
      this.storageFormat = storageFormat;
      return this;
    }

    /** The heartbeat. */
    public Heartbeat build() {
      return new Heartbeat(
          name,
          shard,
          role,
          epoch,
          appliedLsn,
          lastEntryEpoch,
          primary,
          lagLsn,
          state,
          copy,
          primaryUrl,
          owned,
          importing,
          quorum,
          primaryContactAgeMillis,
          primaryLost,
          storageFormat);
    }
  }
}
