package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.Quantity;
import io.shardeddb.api.MysqlParameters;
import io.shardeddb.api.OwnedNames;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.PodsSpec;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.StorageSpec;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.ShardMap;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks what the CRD schema cannot (or what reached the operator without it, e.g. an API server
 * without CEL): schema and shard layout through the protocol's own validation, name lengths, shard
 * ids that would give two of the database's objects one name ({@link OwnedNames}), and changes to
 * fields that cannot change once applied (compared with the status's {@code applied}). A problem
 * becomes {@code Ready=False, reason=InvalidSpec}, never an exception.
 */
public final class SpecValidator {

  /** Every problem found, each naming the field; empty when the spec is valid. */
  public List<String> problems(ShardedDatabase sdb) {
    List<String> problems = new ArrayList<>();
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
    String db = sdb.getMetadata().getName();
    List<ShardSpec> shards = spec.shardsOrEmpty();
    if (!shards.isEmpty() && spec.schema() == null) {
      problems.add("spec.shards is set but spec.schema is missing");
    }
    if (spec.schema() != null) {
      String refusal = spec.schema().toTableSet().refusal();
      if (refusal != null) {
        problems.add("spec.schema: " + refusal);
      } else {
        for (io.shardeddb.protocol.schema.TableSchema t : spec.schema().toTableSet().all()) {
          String placed = t.shardingRefusal(spec.sharding());
          if (placed != null) {
            problems.add("spec.schema: " + placed);
          }
        }
      }
    }
    try {
      new ShardMap<>(shards);
    } catch (InvalidRequestException e) {
      problems.add("spec.shards: " + e.getMessage());
    }
    if (spec.writeQuorum() == WriteQuorum.One) {
      // The CRD refuses it too (CEL); this catches API servers without CEL and older resources.
      problems.add(
          "spec.writeQuorum One is not allowed: a write the primary alone holds is lost with it;"
              + " use Majority (or All)");
    }
    if (spec.replicas() != null && (spec.replicas() < 1 || spec.replicas() > 9)) {
      problems.add("spec.replicas must be between 1 and 9, got " + spec.replicas());
    }
    for (ShardSpec shard : shards) {
      if (shard.id() == null || !shard.id().matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?")) {
        problems.add("spec.shards id '" + shard.id() + "' must be a DNS label (a-z, 0-9, -)");
        continue;
      }
      if (ShardedDatabaseResources.RESERVED_SHARD_IDS.contains(shard.id())) {
        problems.add("spec.shards id '" + shard.id() + "': " + ShardSpec.RESERVED_ID_MESSAGE);
        continue;
      }
      String sts = ShardedDatabaseResources.shardStatefulSetName(db, shard.id());
      if (sts.length() > ShardedDatabaseResources.MAX_STATEFULSET_NAME) {
        problems.add(
            "shard '"
                + shard.id()
                + "': the StatefulSet name "
                + sts
                + " is longer than "
                + ShardedDatabaseResources.MAX_STATEFULSET_NAME
                + " characters; use a shorter database name or shard id");
      }
      if (spec.shardingOrDefault() == Sharding.Hash
          && (shard.low() < 0 || shard.low() + shard.size() > Sharding.HASH_SPACE)) {
        problems.add(
            "shard '"
                + shard.id()
                + "': under sharding Hash a range must lie in [0, "
                + Sharding.HASH_SPACE
                + "), it is [low "
                + shard.low()
                + ", size "
                + shard.size()
                + "]");
      }
      if (shard.replicas() != null && (shard.replicas() < 1 || shard.replicas() > 9)) {
        problems.add(
            "shard '" + shard.id() + "' replicas must be between 1 and 9, got " + shard.replicas());
      }
    }
    for (OwnedNames.Name twice : OwnedNames.dupes(OwnedNames.of(sdb))) {
      problems.add(
          twice + " would be two objects of this database: rename the shard that makes it");
    }
    problems.addAll(MysqlParameters.problems(spec.mysqlOrDefault().parameters()));
    problems.addAll(podSettingsProblems(spec));
    problems.addAll(
        refusedChanges(sdb.getStatus() == null ? null : sdb.getStatus().applied(), appliedOf(sdb)));
    return problems;
  }

  /**
   * What the CRD checks of spec.pods, spec.router.service and spec.router.reads (annotations under
   * the operator's prefix, the priority class name, the read bound), for API servers that skipped
   * the CRD's rules.
   */
  static List<String> podSettingsProblems(ShardedDatabaseSpec spec) {
    List<String> problems = new ArrayList<>();
    PodsSpec pods = spec.podsOrDefault();
    operatorKeys("spec.pods.annotations", pods.annotations(), problems);
    operatorKeys(
        "spec.router.service.annotations",
        spec.routerOrDefault().serviceOrDefault().annotations(),
        problems);
    String staleness = spec.routerOrDefault().readsOrDefault().maxStalenessProblem();
    if (staleness != null) {
      problems.add(staleness);
    }
    if (pods.priorityClassName() != null
        && (pods.priorityClassName().length() > 253
            || !pods.priorityClassName().matches(PodsSpec.DNS_SUBDOMAIN))) {
      problems.add(
          "spec.pods.priorityClassName '"
              + pods.priorityClassName()
              + "' is not a PriorityClass name (lower-case DNS subdomain)");
    }
    return problems;
  }

  private static void operatorKeys(String field, Map<String, String> map, List<String> problems) {
    if (map == null) {
      return;
    }
    map.keySet().stream()
        .filter(k -> k.startsWith("shardeddb.io/"))
        .sorted()
        .forEach(
            k -> problems.add(field + ": " + k + " is the operator's (keys under shardeddb.io/)"));
  }

  /** The ids of the shards {@code sdb}'s spec names. */
  public static Set<String> shardIdsOf(ShardedDatabase sdb) {
    Set<String> ids = new HashSet<>();
    ShardedDatabaseResources.spec(sdb).shardsOrEmpty().forEach(s -> ids.add(s.id()));
    return ids;
  }

  /** The fields of {@code sdb}'s spec that cannot change, as they would be applied. */
  public static AppliedSpec appliedOf(ShardedDatabase sdb) {
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
    StorageSpec storage = spec.storageOrDefault();
    return new AppliedSpec(
        spec.schema(),
        spec.shardsOrEmpty().stream()
            .map(s -> new AppliedSpec.AppliedShard(s.id(), s.low(), s.size()))
            .toList(),
        storage.sizeOrDefault(),
        storage.storageClassName(),
        ShardedDatabaseResources.routerTokenSecretName(sdb),
        ShardedDatabaseResources.mysqlSecretName(sdb),
        spec.shardingOrDefault());
  }

  /**
   * What {@code wanted} changes of {@code applied} that cannot be honoured, each naming the field:
   * the schema, beyond columns added at the end (the operator applies those as a log entry on every
   * shard; anything else would change rows already stored), the sharding (rows are placed by it), a
   * layout that leaves points of the published layout in no shard (their rows would be lost; ranges
   * may otherwise change: the operator moves the rows), a smaller volume size (a volume only grows;
   * a larger one is expanded by the operator), the volume class (the volumes were created in it),
   * the Secret names (the pods' credentials would change under them), and the id of a shard merged
   * away given to a new shard. Nothing applied yet: nothing refused.
   */
  public static List<String> refusedChanges(AppliedSpec applied, AppliedSpec wanted) {
    List<String> refused = new ArrayList<>();
    if (applied == null) {
      return refused;
    }
    if (applied.schema() != null && !applied.schema().equals(wanted.schema())) {
      String refusal =
          wanted.schema() == null
              ? "the spec removes it"
              : applied.schema().toTableSet().refusalTowards(wanted.schema().toTableSet());
      if (refusal != null) {
        refused.add(
            "spec.schema can only gain columns at the end, each nullable or with a default, or"
                + " drop them (as ALTER TABLE ... ADD | DROP COLUMN), and gain or drop tables"
                + " (docs/sql.md, \"Changing the schema\"): "
                + refusal);
      }
    }
    if (!applied.shardsOrEmpty().isEmpty()
        && applied.shardingOrDefault() != wanted.shardingOrDefault()) {
      refused.add(
          "spec.sharding cannot change once applied (every row's placement depends on it): it is "
              + applied.shardingOrDefault()
              + ", the spec asks for "
              + wanted.shardingOrDefault());
    }
    // Ranges may change (the operator moves the rows), but every point the published layout owns
    // must stay in some shard of the spec: rows there would have nowhere to go.
    List<PointRange> specRanges =
        wanted.shardsOrEmpty().stream()
            .filter(s -> s.size() > 0)
            .map(s -> new PointRange(s.low(), s.size()))
            .toList();
    for (AppliedSpec.AppliedShard owner : applied.shardsOrEmpty()) {
      if (owner.size() <= 0) {
        continue;
      }
      List<PointRange> left = List.of(new PointRange(owner.low(), owner.size()));
      for (PointRange r : specRanges) {
        left = PointRange.minus(left, r);
      }
      for (PointRange r : left) {
        refused.add(
            "spec.shards leaves the points ["
                + r.low()
                + ", "
                + r.highExclusive()
                + ") in no shard, but shard '"
                + owner.id()
                + "' owns them now: their rows would be lost; give them to a shard of the spec");
      }
    }
    refused.addAll(retiredIdsReused(applied, wanted));
    if (shrinks(applied.storageSize(), wanted.storageSize())) {
      refused.add(
          "spec.storage.size cannot shrink: the volumes have "
              + applied.storageSize()
              + ", the spec asks for "
              + wanted.storageSize()
              + " (a PersistentVolumeClaim only grows); put back "
              + applied.storageSize()
              + " or more");
    }
    if (!Objects.equals(applied.storageClassName(), wanted.storageClassName())) {
      refused.add(
          "spec.storage.storageClassName cannot change once applied: it is "
              + orDefault(applied.storageClassName())
              + ", the spec asks for "
              + orDefault(wanted.storageClassName()));
    }
    if (!Objects.equals(applied.routerTokenSecret(), wanted.routerTokenSecret())) {
      refused.add(
          "spec.secrets.routerToken cannot change once applied: it is "
              + applied.routerTokenSecret()
              + ", the spec asks for "
              + wanted.routerTokenSecret()
              + "; rotate the token by editing that Secret");
    }
    if (!Objects.equals(applied.mysqlSecret(), wanted.mysqlSecret())) {
      refused.add(
          "spec.secrets.mysql cannot change once applied: it is "
              + applied.mysqlSecret()
              + ", the spec asks for "
              + wanted.mysqlSecret()
              + " (the shards' MySQL data was initialised with the first one)");
    }
    return refused;
  }

  /**
   * A new shard of {@code wanted} (not in the published layout) given the id of a shard merged away
   * before: that id still names the old shard's volumes ({@code data-<db>-<shard>-<n>}, until
   * {@code RetiredVolumesStep} deletes them once its pods are gone) and its backup archive ({@code
   * wal/<shard>/}, whose state a new archiver would adopt as its own, and whose entries a restore
   * would replay with the new shard's), so it is never given again in this database (safety review
   * 2026-11-26, item 1).
   */
  static List<String> retiredIdsReused(AppliedSpec applied, AppliedSpec wanted) {
    Set<String> published = new HashSet<>();
    applied.shardsOrEmpty().forEach(s -> published.add(s.id()));
    Set<String> retired = new HashSet<>(applied.retiredShardsOrEmpty());
    return wanted.shardsOrEmpty().stream()
        .map(AppliedSpec.AppliedShard::id)
        .filter(id -> retired.contains(id) && !published.contains(id))
        .distinct()
        .map(
            id ->
                "spec.shards id '"
                    + id
                    + "' was a shard of this database that was merged away: its backup archive"
                    + " (wal/"
                    + id
                    + "/) and, until the operator deletes them, its volumes still belong to that"
                    + " shard, so a shard id is never given to a new"
                    + " shard again; choose another id (merged away so far: "
                    + String.join(", ", applied.retiredShardsOrEmpty())
                    + ")")
        .toList();
  }

  /**
   * Whether {@code wanted} is a smaller quantity than {@code applied} (equal quantities such as 1Gi
   * and 1024Mi are the same size); growing is allowed: the operator expands the volumes.
   */
  private static boolean shrinks(String applied, String wanted) {
    if (applied == null || Objects.equals(applied, wanted)) {
      return false;
    }
    try {
      return new Quantity(wanted)
              .getNumericalAmount()
              .compareTo(new Quantity(applied).getNumericalAmount())
          < 0;
    } catch (RuntimeException e) {
      return true;
    }
  }

  private static String orDefault(String storageClass) {
    return storageClass == null ? "the cluster default" : storageClass;
  }
}
