package io.shardeddb.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The discovery documents of local mode's API ({@code /version}, {@code /api}, {@code /api/v1},
 * {@code /apis}, {@code /apis/GROUP/VERSION}), built from the built-in kinds local mode stores and
 * the CRDs installed into it. fabric8's CRUD mock does not serve discovery; plain {@code kubectl}
 * needs it to map {@code sdb} or {@code statefulsets} to a URL.
 *
 * <p>Only the legacy (non-aggregated) form is served: kubectl 1.30+ asks for the aggregated form
 * first and falls back when the answer is a plain {@code APIGroupList} / {@code APIVersions}.
 */
final class LocalDiscovery {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /**
   * One kind the API serves: where, its names, whether it lives in a namespace, and the categories
   * kubectl expands ({@code kubectl get shardeddb-all}; a CRD's {@code names.categories}).
   */
  record Resource(
      String group,
      String version,
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      boolean statusSubresource,
      List<String> categories) {

    /** A kind in no category (the built-in ones this API serves). */
    Resource(
        String group,
        String version,
        String plural,
        String singular,
        String kind,
        boolean namespaced,
        List<String> shortNames,
        boolean statusSubresource) {
      this(
          group,
          version,
          plural,
          singular,
          kind,
          namespaced,
          shortNames,
          statusSubresource,
          List.of());
    }

    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }
  }

  /** The built-in kinds the operator, the pod runner and the CLI read or write. */
  static final List<Resource> BUILT_IN =
      List.of(
          core("pods", "Pod", true, List.of("po"), true),
          core("services", "Service", true, List.of("svc"), true),
          core("secrets", "Secret", true, List.of(), false),
          core("configmaps", "ConfigMap", true, List.of("cm"), false),
          core("events", "Event", true, List.of("ev"), false),
          core("persistentvolumeclaims", "PersistentVolumeClaim", true, List.of("pvc"), true),
          core("serviceaccounts", "ServiceAccount", true, List.of("sa"), false),
          core("namespaces", "Namespace", false, List.of("ns"), true),
          core("nodes", "Node", false, List.of("no"), true),
          new Resource(
              "apps",
              "v1",
              "statefulsets",
              "statefulset",
              "StatefulSet",
              true,
              List.of("sts"),
              true),
          new Resource(
              "apps",
              "v1",
              "deployments",
              "deployment",
              "Deployment",
              true,
              List.of("deploy"),
              true),
          new Resource(
              "policy",
              "v1",
              "poddisruptionbudgets",
              "poddisruptionbudget",
              "PodDisruptionBudget",
              true,
              List.of("pdb"),
              true),
          new Resource(
              "networking.k8s.io",
              "v1",
              "networkpolicies",
              "networkpolicy",
              "NetworkPolicy",
              true,
              List.of("netpol"),
              false),
          new Resource(
              "rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, List.of(), false),
          new Resource(
              "rbac.authorization.k8s.io",
              "v1",
              "rolebindings",
              "rolebinding",
              "RoleBinding",
              true,
              List.of(),
              false),
          new Resource(
              "events.k8s.io", "v1", "events", "event", "Event", true, List.of("ev"), false),
          new Resource(
              "coordination.k8s.io", "v1", "leases", "lease", "Lease", true, List.of(), false),
          new Resource(
              "apiextensions.k8s.io",
              "v1",
              "customresourcedefinitions",
              "customresourcedefinition",
              "CustomResourceDefinition",
              false,
              List.of("crd", "crds"),
              true));

  private final List<Resource> custom = new CopyOnWriteArrayList<>();

  /** The printer columns of each served custom resource version, by "group/version/plural". */
  private final Map<String, List<TableView.Column>> printerColumns = new ConcurrentHashMap<>();

  /**
   * A request path that names a custom resource collection or one object of it (not a subresource),
   * with the printer columns of its CRD version.
   */
  record CustomResourcePath(List<TableView.Column> columns, boolean collection) {}

  private static Resource core(
      String plural, String kind, boolean namespaced, List<String> shortNames, boolean status) {
    return new Resource("", "v1", plural, kind.toLowerCase(), kind, namespaced, shortNames, status);
  }

  /** Adds the served versions of an installed CRD. */
  void add(CustomResourceDefinition crd) {
    var spec = crd.getSpec();
    var names = spec.getNames();
    for (CustomResourceDefinitionVersion v : spec.getVersions()) {
      if (!Boolean.TRUE.equals(v.getServed())) {
        continue;
      }
      custom.add(
          new Resource(
              spec.getGroup(),
              v.getName(),
              names.getPlural(),
              Optional.ofNullable(names.getSingular()).orElse(names.getKind().toLowerCase()),
              names.getKind(),
              "Namespaced".equals(spec.getScope()),
              Optional.ofNullable(names.getShortNames()).orElse(List.of()),
              v.getSubresources() != null && v.getSubresources().getStatus() != null,
              Optional.ofNullable(names.getCategories()).orElse(List.of())));
      List<TableView.Column> columns = new ArrayList<>();
      for (var c : Optional.ofNullable(v.getAdditionalPrinterColumns()).orElse(List.of())) {
        columns.add(
            new TableView.Column(
                c.getName(),
                c.getType(),
                c.getFormat(),
                c.getDescription(),
                Optional.ofNullable(c.getPriority()).orElse(0),
                c.getJsonPath()));
      }
      printerColumns.put(
          spec.getGroup() + "/" + v.getName() + "/" + names.getPlural(), List.copyOf(columns));
    }
  }

  /**
   * The custom resource {@code path} (no query) names: {@code /apis/G/V[/namespaces/NS]/PLURAL} or
   * {@code .../PLURAL/NAME}; empty for anything else.
   */
  Optional<CustomResourcePath> customResource(String path) {
    String[] p = path.split("/");
    // "", "apis", group, version, [namespaces, ns,] plural [, name]
    if (p.length < 5 || !p[1].equals("apis")) {
      return Optional.empty();
    }
    int rest = 4;
    if (p[4].equals("namespaces") && p.length >= 7) {
      rest = 6;
    }
    int left = p.length - rest;
    if (left != 1 && left != 2) {
      return Optional.empty();
    }
    List<TableView.Column> columns = printerColumns.get(p[2] + "/" + p[3] + "/" + p[rest]);
    return Optional.ofNullable(columns).map(c -> new CustomResourcePath(c, left == 1));
  }

  private List<Resource> all() {
    List<Resource> all = new ArrayList<>(BUILT_IN);
    all.addAll(custom);
    return all;
  }

  /**
   * The document for a GET of {@code path} (no query), or empty when the path is not a discovery
   * path (the CRUD store answers it).
   */
  Optional<String> document(String path, String serverAddress) {
    if (path.equals("/version")) {
      return json(
          Map.of(
              "major", "1",
              "minor", "32",
              "gitVersion", "v1.32.0+shardeddb-local",
              "platform", "local"));
    }
    if (path.equals("/api")) {
      return json(
          Map.of(
              "kind",
              "APIVersions",
              "versions",
              List.of("v1"),
              "serverAddressByClientCIDRs",
              List.of(Map.of("clientCIDR", "0.0.0.0/0", "serverAddress", serverAddress))));
    }
    if (path.equals("/apis")) {
      return json(groupList());
    }
    if (path.equals("/api/v1")) {
      return json(resourceList("v1"));
    }
    String[] parts = path.split("/");
    if (parts.length == 4 && parts[1].equals("apis")) {
      String gv = parts[2] + "/" + parts[3];
      if (all().stream().anyMatch(r -> r.groupVersion().equals(gv))) {
        return json(resourceList(gv));
      }
    }
    return Optional.empty();
  }

  /**
   * The OpenAPI v3 documents ({@code /openapi/v3} and {@code /openapi/v3/apis/GROUP/VERSION}), or
   * empty for another path. They hold no schemas, only each kind's PATCH operation with the {@code
   * fieldValidation} parameter: kubectl's {@code apply} reads that as "the server validates fields"
   * and skips its own validation, which would need the OpenAPI v2 document in protobuf. Local
   * mode's API does not validate either (docs/local-mode.md says so).
   */
  Optional<String> openApiV3(String path) {
    if (path.equals("/openapi/v3")) {
      Map<String, Object> paths = new LinkedHashMap<>();
      for (Resource r : all()) {
        String key = apiPath(r.groupVersion());
        paths.putIfAbsent(
            key.substring(1), Map.of("serverRelativeURL", "/openapi/v3" + key + "?hash=local"));
      }
      return json(Map.of("paths", paths));
    }
    if (!path.startsWith("/openapi/v3/")) {
      return Optional.empty();
    }
    String key = path.substring("/openapi/v3".length());
    Map<String, Object> paths = new LinkedHashMap<>();
    for (Resource r : all()) {
      if (!apiPath(r.groupVersion()).equals(key)) {
        continue;
      }
      String item =
          key + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural() + "/{name}";
      Map<String, Object> gvk = new LinkedHashMap<>();
      gvk.put("group", r.group());
      gvk.put("version", r.version());
      gvk.put("kind", r.kind());
      Map<String, Object> patch = new LinkedHashMap<>();
      patch.put("operationId", "patch" + r.kind());
      patch.put(
          "parameters",
          List.of(
              Map.of(
                  "name", "fieldValidation", "in", "query", "schema", Map.of("type", "string"))));
      patch.put("responses", Map.of("200", Map.of("description", "OK")));
      patch.put("x-kubernetes-action", "patch");
      patch.put("x-kubernetes-group-version-kind", gvk);
      paths.put(item, Map.of("patch", patch));
    }
    if (paths.isEmpty()) {
      return Optional.empty();
    }
    return json(
        Map.of(
            "openapi",
            "3.0.0",
            "info",
            Map.of("title", "ShardedDB local mode", "version", "v1.32.0"),
            "paths",
            paths));
  }

  private static String apiPath(String groupVersion) {
    return groupVersion.contains("/") ? "/apis/" + groupVersion : "/api/" + groupVersion;
  }

  /**
   * Whether {@code path} is a discovery path this class answers (404 when the group is unknown).
   */
  static boolean isDiscoveryPath(String path) {
    return path.equals("/version")
        || path.equals("/api")
        || path.equals("/apis")
        || path.equals("/api/v1")
        || path.matches("/apis/[^/]+/[^/]+");
  }

  private Map<String, Object> groupList() {
    Map<String, List<String>> versions = new LinkedHashMap<>();
    for (Resource r : all()) {
      if (!r.group().isEmpty()) {
        List<String> vs = versions.computeIfAbsent(r.group(), g -> new ArrayList<>());
        if (!vs.contains(r.version())) {
          vs.add(r.version());
        }
      }
    }
    List<Map<String, Object>> groups = new ArrayList<>();
    versions.forEach(
        (group, vs) -> {
          List<Map<String, String>> gvs =
              vs.stream().map(v -> Map.of("groupVersion", group + "/" + v, "version", v)).toList();
          groups.add(Map.of("name", group, "versions", gvs, "preferredVersion", gvs.get(0)));
        });
    return Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", groups);
  }

  private Map<String, Object> resourceList(String groupVersion) {
    List<Map<String, Object>> resources = new ArrayList<>();
    for (Resource r : all()) {
      if (!r.groupVersion().equals(groupVersion)) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.plural());
      m.put("singularName", r.singular());
      m.put("namespaced", r.namespaced());
      m.put("kind", r.kind());
      m.put("verbs", VERBS);
      if (!r.shortNames().isEmpty()) {
        m.put("shortNames", r.shortNames());
      }
      if (!r.categories().isEmpty()) {
        m.put("categories", r.categories());
      }
      resources.add(m);
      if (r.statusSubresource()) {
        resources.add(
            Map.of(
                "name",
                r.plural() + "/status",
                "singularName",
                "",
                "namespaced",
                r.namespaced(),
                "kind",
                r.kind(),
                "verbs",
                List.of("get", "patch", "update")));
      }
    }
    return Map.of(
        "kind",
        "APIResourceList",
        "apiVersion",
        "v1",
        "groupVersion",
        groupVersion,
        "resources",
        resources);
  }

  private static Optional<String> json(Object document) {
    try {
      return Optional.of(JSON.writeValueAsString(document));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
