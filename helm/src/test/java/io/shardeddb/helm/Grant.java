package io.shardeddb.helm;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One permission (API group, resource, verb): RBAC rules flattened so they compare as sets. */
record Grant(String apiGroup, String resource, String verb) {

  static Set<Grant> of(List<String> apiGroups, List<String> resources, List<String> verbs) {
    Set<Grant> grants = new LinkedHashSet<>();
    for (String apiGroup : apiGroups) {
      for (String resource : resources) {
        for (String verb : verbs) {
          grants.add(new Grant(apiGroup, resource, verb));
        }
      }
    }
    return grants;
  }

  static Set<Grant> ofRules(Collection<PolicyRule> rules) {
    Set<Grant> grants = new LinkedHashSet<>();
    for (PolicyRule rule : rules) {
      grants.addAll(of(rule.getApiGroups(), rule.getResources(), rule.getVerbs()));
    }
    return grants;
  }

  boolean isWildcard() {
    return apiGroup.equals("*") || resource.equals("*") || verb.equals("*");
  }

  @Override
  public String toString() {
    return verb + " " + (apiGroup.isEmpty() ? "core" : apiGroup) + "/" + resource;
  }
}
