package io.shardeddb.operator.model;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the model builders need about one database, computed once per reconcile: its name,
 * namespace, UID (the owner its backup archive names), spec with defaults applied, the images, the
 * Secrets in use, the shards to run and the namespace the operator runs in (null when unknown:
 * NetworkPolicies then admit the operator's pods from any namespace) and what its NetworkPolicies
 * admit besides ({@link NetworkAccess}: the metrics scraper, egress).
 */
public record DatabaseModel(
    String name,
    String namespace,
    String uid,
    ShardedDatabaseSpec spec,
    Images images,
    String routerTokenSecret,
    String mysqlSecret,
    List<DesiredShard> shards,
    String operatorNamespace,
    NetworkAccess network,
    boolean hibernated) {

  public DatabaseModel {
    network = network == null ? NetworkAccess.DEFAULT : network;
  }

  /** A running (not hibernated) database's model. */
  public DatabaseModel(
      String name,
      String namespace,
      String uid,
      ShardedDatabaseSpec spec,
      Images images,
      String routerTokenSecret,
      String mysqlSecret,
      List<DesiredShard> shards,
      String operatorNamespace,
      NetworkAccess network) {
    this(
        name,
        namespace,
        uid,
        spec,
        images,
        routerTokenSecret,
        mysqlSecret,
        shards,
        operatorNamespace,
        network,
        false);
  }

  /**
   * This model hibernated ({@code shardeddb.io/hibernation: on}): the router Deployment at zero
   * replicas (the shards' StatefulSets are set to zero pods by the caller, {@link DesiredShard}).
   */
  public DatabaseModel asHibernated() {
    return new DatabaseModel(
        name,
        namespace,
        uid,
        spec,
        images,
        routerTokenSecret,
        mysqlSecret,
        shards,
        operatorNamespace,
        network,
        true);
  }

  /** How many router pods run: the spec's, none while hibernated. */
  public int routerReplicas() {
    return hibernated ? 0 : spec.routerOrDefault().replicasOrDefault();
  }

  /** The pods shard NetworkPolicies admit on the metrics port. */
  public MetricsScraper scraper() {
    return network.scraper();
  }

  /** Container defaults when the spec names no resources. */
  static final ResourceRequirements DEFAULT_RESOURCES =
      new ResourceRequirementsBuilder()
          .addToRequests("cpu", new Quantity("100m"))
          .addToRequests("memory", new Quantity("512Mi"))
          .addToLimits("memory", new Quantity("512Mi"))
          .build();

  /** The model of a database running its spec shards plus {@code retained} ones. */
  public static DatabaseModel of(
      ShardedDatabase sdb, Images images, Collection<DesiredShard> retained) {
    return of(sdb, images, retained, null);
  }

  /**
   * The model of a database running its spec shards plus {@code retained} ones, managed by an
   * operator in {@code operatorNamespace}.
   */
  public static DatabaseModel of(
      ShardedDatabase sdb,
      Images images,
      Collection<DesiredShard> retained,
      String operatorNamespace) {
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
    Map<String, DesiredShard> shards = new LinkedHashMap<>();
    for (ShardSpec s : spec.shardsOrEmpty()) {
      shards.put(s.id(), new DesiredShard(s.id(), spec.replicasOf(s)));
    }
    for (DesiredShard r : retained) {
      shards.putIfAbsent(r.id(), r);
    }
    return new DatabaseModel(
        sdb.getMetadata().getName(),
        sdb.getMetadata().getNamespace(),
        sdb.getMetadata().getUid(),
        spec,
        // The database's own images (spec.images) replace the operator's one by one.
        images.overriddenBy(spec.images()),
        ShardedDatabaseResources.routerTokenSecretName(sdb),
        ShardedDatabaseResources.mysqlSecretName(sdb),
        new ArrayList<>(shards.values()),
        operatorNamespace == null || operatorNamespace.isBlank() ? null : operatorNamespace,
        NetworkAccess.DEFAULT);
  }

  /** This model with shard NetworkPolicies admitting {@code scraper} on the metrics port. */
  public DatabaseModel withScraper(MetricsScraper scraper) {
    return withNetwork(network.withScraper(scraper));
  }

  /** This model with NetworkPolicies admitting what {@code network} says. */
  public DatabaseModel withNetwork(NetworkAccess network) {
    return new DatabaseModel(
        name,
        namespace,
        uid,
        spec,
        images,
        routerTokenSecret,
        mysqlSecret,
        shards,
        operatorNamespace,
        network,
        hibernated);
  }

  /** This model with {@code shards} instead (e.g. StatefulSets held larger by a resize gate). */
  public DatabaseModel withShards(List<DesiredShard> shards) {
    return new DatabaseModel(
        name,
        namespace,
        uid,
        spec,
        images,
        routerTokenSecret,
        mysqlSecret,
        List.copyOf(shards),
        operatorNamespace,
        network,
        hibernated);
  }

  /** The model of a database running exactly its spec shards. */
  public static DatabaseModel of(ShardedDatabase sdb, Images images) {
    return of(sdb, images, List.of());
  }

  /** The resources of a container, the spec's when given. */
  static ResourceRequirements orDefault(ResourceRequirements fromSpec) {
    return fromSpec != null ? fromSpec : DEFAULT_RESOURCES;
  }
}
