package io.shardeddb.api;

import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Every object name a database's operator writes, by kind: what the names of {@link
 * ShardedDatabaseResources} give for this resource's shards (the spec's and those the status still
 * runs). Two databases of one namespace must not share an entry (database {@code shop} with shard
 * {@code eu} and database {@code shop-eu} both have Secret {@code shop-eu-tls}); one database must
 * not list an entry twice.
 */
public final class OwnedNames {

  /** One object: its kind (as in {@code kind:}) and its name. */
  public record Name(String kind, String name) {

    /** {@code Kind/name}, as kubectl prints it. */
    @Override
    public String toString() {
      return kind + "/" + name;
    }
  }

  /** The router's objects ({@link ShardedDatabaseResources#routerName}). */
  static final List<String> ROUTER_KINDS =
      List.of(
          "Deployment",
          "Service",
          "ServiceAccount",
          "Role",
          "RoleBinding",
          "NetworkPolicy",
          "PodDisruptionBudget");

  /** One shard's objects named like its StatefulSet. */
  static final List<String> SHARD_KINDS =
      List.of("StatefulSet", "Service", "PodDisruptionBudget", "NetworkPolicy");

  private OwnedNames() {}

  /**
   * Every name {@code sdb}'s objects have, in a fixed order, duplicates kept (see {@link #dupes}).
   */
  public static List<Name> of(ShardedDatabase sdb) {
    String db = sdb.getMetadata().getName();
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
    boolean tls = ShardedDatabaseResources.tlsEnabled(sdb);
    List<Name> names = new ArrayList<>();
    names.add(new Name("ConfigMap", ShardedDatabaseResources.configMapName(db)));
    names.add(new Name("ConfigMap", ShardedDatabaseResources.layoutRequestName(db)));
    if (spec.secretsOrDefault().routerToken() == null) {
      names.add(new Name("Secret", ShardedDatabaseResources.generatedRouterTokenSecretName(db)));
    }
    if (spec.secretsOrDefault().mysql() == null) {
      names.add(new Name("Secret", ShardedDatabaseResources.generatedMysqlSecretName(db)));
    }
    names.add(new Name("Secret", ShardedDatabaseResources.shardAuthSecretName(db)));
    names.add(new Name("Secret", ShardedDatabaseResources.shardDataAuthSecretName(db)));
    names.add(new Name("Secret", ShardedDatabaseResources.metricsAuthSecretName(db)));
    if (tls && spec.tlsOrDefault().caSecret() == null) {
      names.add(new Name("Secret", ShardedDatabaseResources.caSecretName(db)));
    }
    if (tls) {
      names.add(new Name("Secret", ShardedDatabaseResources.tlsSecretName(db)));
    }
    for (String kind : ROUTER_KINDS) {
      names.add(new Name(kind, ShardedDatabaseResources.routerName(db)));
    }
    for (String shard : shardIds(sdb)) {
      for (String kind : SHARD_KINDS) {
        names.add(new Name(kind, ShardedDatabaseResources.shardStatefulSetName(db, shard)));
      }
      if (tls) {
        names.add(new Name("Secret", ShardedDatabaseResources.shardTlsSecretName(db, shard)));
      }
    }
    return names;
  }

  /** The names {@code names} lists more than once, each once, in order. */
  public static List<Name> dupes(List<Name> names) {
    Set<Name> seen = new LinkedHashSet<>();
    Set<Name> twice = new LinkedHashSet<>();
    for (Name n : names) {
      if (!seen.add(n)) {
        twice.add(n);
      }
    }
    return List.copyOf(twice);
  }

  /**
   * The shards whose objects exist or will: the spec's and the applied layout's (a shard removed
   * from the spec keeps its objects until its rows have moved), each once.
   */
  static List<String> shardIds(ShardedDatabase sdb) {
    Set<String> ids = new LinkedHashSet<>();
    ShardedDatabaseResources.spec(sdb).shardsOrEmpty().stream()
        .map(ShardSpec::id)
        .filter(Objects::nonNull)
        .forEach(ids::add);
    AppliedSpec applied = sdb.getStatus() == null ? null : sdb.getStatus().applied();
    if (applied != null) {
      applied.shardsOrEmpty().stream()
          .map(AppliedSpec.AppliedShard::id)
          .filter(Objects::nonNull)
          .forEach(ids::add);
    }
    return List.copyOf(ids);
  }
}
