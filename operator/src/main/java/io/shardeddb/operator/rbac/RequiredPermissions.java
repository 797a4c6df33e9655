package io.shardeddb.operator.rbac;

import java.util.List;

/**
 * Every API group, resource and verb the operator uses (informers, dependents, events, leases, pod
 * deletes); the Helm chart's ClusterRole is checked against this list, so it is the one place to
 * change when the operator starts using something new.
 */
public final class RequiredPermissions {

  private static final List<String> READ = List.of("get", "list", "watch");
  private static final List<String> OWN =
      List.of("get", "list", "watch", "create", "update", "patch", "delete");

  /** The rules, in a stable order. */
  public static final List<PermissionRule> RULES =
      List.of(
          // The primary resource: watched, its status patched, its spec updated with a router's
          // layout request (LayoutRequestStep); the finalizers subresource lets owner references
          // with blockOwnerDeletion point at it.
          new PermissionRule(
              List.of("shardeddb.io"),
              List.of("shardeddatabases"),
              List.of("get", "list", "watch", "update", "patch")),
          new PermissionRule(
              List.of("shardeddb.io"),
              List.of("shardeddatabases/status"),
              List.of("get", "update", "patch")),
          new PermissionRule(
              List.of("shardeddb.io"), List.of("shardeddatabases/finalizers"), List.of("update")),
          // Backups (docs/backup.md): taken and their status written; scheduled ones created and
          // expired ones deleted.
          new PermissionRule(
              List.of("shardeddb.io"),
              List.of("shardeddatabasebackups"),
              List.of("get", "list", "watch", "create", "delete")),
          new PermissionRule(
              List.of("shardeddb.io"),
              List.of("shardeddatabasebackups/status"),
              List.of("get", "update", "patch")),
          // Dependents.
          new PermissionRule(List.of("apps"), List.of("statefulsets", "deployments"), OWN),
          new PermissionRule(
              List.of(""), List.of("services", "configmaps", "secrets", "serviceaccounts"), OWN),
          new PermissionRule(List.of("policy"), List.of("poddisruptionbudgets"), OWN),
          new PermissionRule(List.of("networking.k8s.io"), List.of("networkpolicies"), OWN),
          new PermissionRule(
              List.of("rbac.authorization.k8s.io"), List.of("roles", "rolebindings"), OWN),
          // Shard pods: watched for readiness, deleted when stuck or crash-looping.
          new PermissionRule(
              List.of(""), List.of("pods"), List.of("get", "list", "watch", "delete")),
          // Nodes: a pod on a NotReady or vanished node is replaced.
          new PermissionRule(List.of(""), List.of("nodes"), READ),
          // A larger spec.storage.size: each shard pod's claim is read and its request raised
          // (VolumeResizer), where its StorageClass allows expansion (cluster-scoped, read), else
          // deleted with its pod one at a time by the rolling rebuild. A shard merged away: its
          // StatefulSet's claims are listed and deleted once it is gone (RetiredVolumesStep).
          new PermissionRule(
              List.of(""),
              List.of("persistentvolumeclaims"),
              List.of("get", "list", "patch", "delete")),
          new PermissionRule(List.of("storage.k8s.io"), List.of("storageclasses"), List.of("get")),
          // Events for bring-up, failover, re-copy and refused spec changes.
          // list: granted on to each router Role (the web console shows the database's Events).
          new PermissionRule(List.of(""), List.of("events"), List.of("create", "patch", "list")),
          // Leader election: fabric8's Lease lock reads and creates the Lease and renews it with
          // PATCH (LeaderElectionPermissionsTest records what it sends); without patch every
          // renewal is refused and the operator loses leadership within a lease period. The SDK
          // refuses to start unless get, create and update are granted (it checks with a
          // SelfSubjectRulesReview, which every authenticated user may send).
          new PermissionRule(
              List.of("coordination.k8s.io"),
              List.of("leases"),
              List.of("get", "create", "update", "patch")));

  /**
   * With per-database PodMonitors (setting {@code shardeddb.metrics.pod-monitors}, the chart's
   * {@code metrics.podMonitors.perDatabase}): each database's own PodMonitor, in every watched
   * namespace. Granted only then.
   */
  public static final PermissionRule POD_MONITORS =
      new PermissionRule(List.of("monitoring.coreos.com"), List.of("podmonitors"), OWN);

  private RequiredPermissions() {}
}
