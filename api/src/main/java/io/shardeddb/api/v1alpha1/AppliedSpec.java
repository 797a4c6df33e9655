package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.topology.Sharding;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fields of the spec that cannot change once applied, as the operator last applied them (kept
 * in the status): the operator refuses a spec that changes them, even when no CEL rule stopped it.
 * {@code shards} is the <em>published layout</em> (docs/resharding.md): which shard owns which
 * range now. Routers route by it; the operator changes it only at a move's cut-over.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AppliedSpec(
    @JsonPropertyDescription("The schema the shards' tables were created with.") SchemaSpec schema,
    @JsonPropertyDescription(
            "The published layout: each shard's id and the range of points it owns now. Routers"
                + " route by it; it changes only at a resharding move's cut-over.")
        List<AppliedShard> shards,
    @JsonPropertyDescription(
            "The volume size of the shard pods (effective, default included): the spec's once the"
                + " operator has taken a growth up; a smaller spec size is refused.")
        String storageSize,
    @JsonPropertyDescription("The StorageClass of the shard volumes; absent for the default.")
        String storageClassName,
    @JsonPropertyDescription("The Secret holding the router token (effective name).")
        String routerTokenSecret,
    @JsonPropertyDescription("The Secret holding the MySQL credentials (effective name).")
        String mysqlSecret,
    @JsonPropertyDescription(
            "How keys map to points (Range or Hash); absent in statuses written before it existed"
                + " (Range).")
        Sharding sharding,
    @JsonPropertyDescription(
            "The version of schema every shard has applied: 1 for the schema the tables were"
                + " created with, one more for each schema change since (absent: 1).")
        Long schemaVersion,
    @JsonPropertyDescription(
            "The published layout's generation: raised by one each time the layout (shards)"
                + " changes. Routers put it in the session tokens of writes, so a router whose"
                + " layout is older than a client's token does not trust its own routing for that"
                + " session. Absent: 0.")
        Long layoutGeneration,
    @JsonPropertyDescription(
            "Ids of shards merged away (gone from both the published layout and the spec): never"
                + " given to a new shard of this database, whose volumes and backup archive they"
                + " still name. Absent: none.")
        List<String> retiredShards) {

  /** An applied spec at schema version 1 and layout generation 0. */
  public AppliedSpec(
      SchemaSpec schema,
      List<AppliedShard> shards,
      String storageSize,
      String storageClassName,
      String routerTokenSecret,
      String mysqlSecret,
      Sharding sharding) {
    this(
        schema,
        shards,
        storageSize,
        storageClassName,
        routerTokenSecret,
        mysqlSecret,
        sharding,
        null,
        null,
        null);
  }

  /** An applied spec that does not record the sharding (Range). */
  public AppliedSpec(
      SchemaSpec schema,
      List<AppliedShard> shards,
      String storageSize,
      String storageClassName,
      String routerTokenSecret,
      String mysqlSecret) {
    this(schema, shards, storageSize, storageClassName, routerTokenSecret, mysqlSecret, null);
  }

  /**
   * This applied spec with the published layout {@code published}, following {@code previous} (the
   * status's applied spec before, null when none), for a spec naming the shards {@code inSpec}: the
   * layout generation is the previous one when the layout is the same, else one more; the retired
   * shards are the previous ones and every shard of the previous layout that neither {@code
   * published} nor the spec has any more. The one place both are decided.
   */
  public AppliedSpec withLayout(
      List<AppliedShard> published, AppliedSpec previous, Collection<String> inSpec) {
    return withLayout(published, previous, inSpec, Map.of());
  }

  /**
   * As above, with the session floors {@code adopted} (a shard id to the log position of an adopt
   * acknowledged this pass): each shard of {@code published} keeps the later of its floor there,
   * its previous floor (by id: a later move that shrinks a shard leaves the floor of its last adopt
   * in force) and {@code adopted}'s. The one place floors are carried from one layout to the next.
   */
  public AppliedSpec withLayout(
      List<AppliedShard> published,
      AppliedSpec previous,
      Collection<String> inSpec,
      Map<String, LogPosition> adopted) {
    long before = previous == null ? 0 : previous.layoutGenerationOrZero();
    // The layout is the shards' ranges; a floor is not part of it.
    boolean same =
        previous != null && rangesOf(previous.shardsOrEmpty()).equals(rangesOf(published));
    long generation = same ? before : before + 1;
    Map<String, LogPosition> floors = new HashMap<>();
    if (previous != null) {
      previous.shardsOrEmpty().forEach(s -> later(floors, s.id(), s.floor()));
    }
    published.forEach(s -> later(floors, s.id(), s.floor()));
    adopted.forEach((id, at) -> later(floors, id, at));
    List<AppliedShard> withFloors =
        published.stream().map(s -> s.withFloor(floors.get(s.id()))).toList();
    return new AppliedSpec(
        schema,
        withFloors,
        storageSize,
        storageClassName,
        routerTokenSecret,
        mysqlSecret,
        sharding,
        schemaVersion,
        generation == 0 ? null : generation,
        retiredAfter(previous, published, inSpec));
  }

  private static Set<List<Object>> rangesOf(List<AppliedShard> shards) {
    Set<List<Object>> out = new HashSet<>();
    shards.forEach(s -> out.add(List.of(s.id(), s.low(), s.size())));
    return out;
  }

  private static void later(Map<String, LogPosition> floors, String id, LogPosition at) {
    if (at != null) {
      floors.merge(id, at, (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }
  }

  /**
   * The ids retired once {@code published} follows {@code previous}, sorted; null when none. A
   * shard id leaves the layout and the spec for good only when its shard was merged away (its
   * points given to others, and the spec no longer naming it); its volumes and its archive ({@code
   * wal/<shard>/}) stay behind under that id, so a new shard given it would take over the old one's
   * data and archive state (safety review 2026-11-26, item 1). A shard that gave all its points
   * away but is still in the spec (a swap of two ranges, which goes through one of them owning
   * nothing) is not retired: it takes points again in a later move.
   */
  private static List<String> retiredAfter(
      AppliedSpec previous, List<AppliedShard> published, Collection<String> inSpec) {
    if (previous == null) {
      return null;
    }
    TreeSet<String> left = new TreeSet<>();
    previous.shardsOrEmpty().forEach(s -> left.add(s.id()));
    published.forEach(s -> left.remove(s.id()));
    left.removeAll(inSpec);
    // Once retired, always: the leftovers stay.
    left.addAll(previous.retiredShardsOrEmpty());
    return left.isEmpty() ? null : List.copyOf(left);
  }

  /** The ids of shards merged away, never given to a new shard; never null. */
  public List<String> retiredShardsOrEmpty() {
    return retiredShards == null ? List.of() : retiredShards;
  }

  /** This applied spec with another published layout, its generation unchanged. */
  public AppliedSpec withShards(List<AppliedShard> published) {
    return new AppliedSpec(
        schema,
        published,
        storageSize,
        storageClassName,
        routerTokenSecret,
        mysqlSecret,
        sharding,
        schemaVersion,
        layoutGeneration,
        retiredShards);
  }

  /** This applied spec with {@code next} as the schema every shard applied, at {@code version}. */
  public AppliedSpec withSchema(SchemaSpec next, long version) {
    return new AppliedSpec(
        next,
        shards,
        storageSize,
        storageClassName,
        routerTokenSecret,
        mysqlSecret,
        sharding,
        version == 1 ? null : version,
        layoutGeneration,
        retiredShards);
  }

  /** The schema version, 1 when not recorded. */
  public long schemaVersionOrOne() {
    return schemaVersion == null ? 1 : schemaVersion;
  }

  /** This applied spec with another volume size. */
  public AppliedSpec withStorageSize(String size) {
    return new AppliedSpec(
        schema,
        shards,
        size,
        storageClassName,
        routerTokenSecret,
        mysqlSecret,
        sharding,
        schemaVersion,
        layoutGeneration,
        retiredShards);
  }

  /** The layout generation, 0 when not recorded. */
  public long layoutGenerationOrZero() {
    return layoutGeneration == null ? 0 : layoutGeneration;
  }

  /** The sharding, Range when not recorded. */
  public Sharding shardingOrDefault() {
    return Sharding.orDefault(sharding);
  }

  /**
   * A shard's id, the range of points {@code [low, low+size)} it owns and its session floor: the
   * log position {@code (floorEpoch, floorLsn)} of the last adopt that gave it points (absent: none
   * recorded). A replica serves a session read of the shard only once its log reaches the floor
   * (DESIGN §5 rule 9): a range that moved away and back may be owned by a cut-off replica's stale
   * log too.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record AppliedShard(
      @JsonPropertyDescription("The shard's id.") String id,
      @JsonPropertyDescription("The lowest point the shard owns.") long low,
      @JsonPropertyDescription("How many points the shard owns.") long size,
      @JsonPropertyDescription(
              "The epoch of the last adopt that gave the shard points: a replica serves a session"
                  + " read of the shard only once its log reaches (floorEpoch, floorLsn).")
          Long floorEpoch,
      @JsonPropertyDescription(
              "The log position (LSN) of the last adopt that gave the shard points.")
          Long floorLsn) {

    /** A shard with no session floor recorded. */
    public AppliedShard(String id, long low, long size) {
      this(id, low, size, null, null);
    }

    /** The session floor, null when none is recorded. */
    @JsonIgnore
    public LogPosition floor() {
      return floorEpoch == null || floorLsn == null ? null : new LogPosition(floorEpoch, floorLsn);
    }

    /** This shard with session floor {@code at} (null: none). */
    public AppliedShard withFloor(LogPosition at) {
      return at == null
          ? new AppliedShard(id, low, size)
          : new AppliedShard(id, low, size, at.epoch(), at.lsn());
    }
  }

  /** Shards, never null. */
  public List<AppliedShard> shardsOrEmpty() {
    return shards == null ? List.of() : shards;
  }
}
