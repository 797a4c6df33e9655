package io.shardeddb.operator.rbac;

import java.util.List;

/** One RBAC rule the operator needs: these verbs on these resources of these API groups. */
public record PermissionRule(List<String> apiGroups, List<String> resources, List<String> verbs) {

  public PermissionRule {
    apiGroups = List.copyOf(apiGroups);
    resources = List.copyOf(resources);
    verbs = List.copyOf(verbs);
  }
}
