{{/*
The one list of what the operator may do. The chart's tests check it against the operator's own
io.shardeddb.operator.rbac.RequiredPermissions: everything the code needs is granted here, and
nothing more. Rules are split by where they apply, which is what makes least privilege possible
when watchNamespaces is a list.
*/}}

{{/* In every watched namespace (cluster-wide when watching all namespaces). */}}
{{- define "shardeddb-operator.rules.watched" -}}
- apiGroups: ["shardeddb.io"]
  resources: ["shardeddatabases"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["shardeddb.io"]
  resources: ["shardeddatabases/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["shardeddb.io"]
  resources: ["shardeddatabases/finalizers"]
  verbs: ["update"]
- apiGroups: ["shardeddb.io"]
  resources: ["shardeddatabasebackups"]
  verbs: ["get", "list", "watch", "create", "delete"]
- apiGroups: ["shardeddb.io"]
  resources: ["shardeddatabasebackups/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["apps"]
  resources: ["statefulsets", "deployments"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["services", "configmaps", "secrets", "serviceaccounts"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "delete"]
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  # A larger spec.storage.size: the shard pods' claims are raised, or deleted one at a
  # time by the rolling rebuild where the class cannot expand (docs/operator.md). A shard
  # merged away: its claims are listed and deleted once its StatefulSet is gone.
  verbs: ["get", "list", "patch", "delete"]
- apiGroups: [""]
  resources: ["events"]
  # list: granted on to each database's router Role (its web console shows the database's Events).
  verbs: ["create", "patch", "list"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles", "rolebindings"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
{{- if include "shardeddb-operator.perDatabasePodMonitors" . }}
# Each database's own PodMonitor (metrics.podMonitors.perDatabase).
- apiGroups: ["monitoring.coreos.com"]
  resources: ["podmonitors"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
{{- end }}
{{- end }}

{{/* Cluster-scoped objects, always through a ClusterRole. */}}
{{- define "shardeddb-operator.rules.cluster" -}}
- apiGroups: [""]
  resources: ["nodes"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["storage.k8s.io"]
  resources: ["storageclasses"]
  # Whether a claim's class allows expansion (allowVolumeExpansion).
  verbs: ["get"]
{{- end }}

{{/* Only in the release namespace, where the leader-election Lease lives. */}}
{{- define "shardeddb-operator.rules.leaderElection" -}}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  # fabric8's Lease lock renews with PATCH; the SDK checks get/create/update before starting.
  verbs: ["get", "create", "update", "patch"]
{{- if include "shardeddb-operator.sharedPodMonitors" . }}
# The scrape token Secret the PodMonitors send: read, or created once, at the operator's start.
- apiGroups: [""]
  resources: ["secrets"]
  resourceNames: [{{ include "shardeddb-operator.scrapeTokenSecret" . | quote }}]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["create"]
{{- end }}
{{- end }}
