package io.shardeddb.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code app.kubernetes.io/*} labels on everything the operator owns, and its selectors. */
public final class Labels {

  /** Recommended label keys. */
  public static final String NAME = "app.kubernetes.io/name";

  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String PART_OF = "app.kubernetes.io/part-of";

  /** The shard a shard resource belongs to. */
  public static final String SHARD = "shardeddb.io/shard";

  /**
   * Annotation on a workload or Service carrying a digest of the user's settings in it (spec.pods,
   * spec.router.service), absent when there are none. The dependents write only what the live
   * object lacks; removing the last setting leaves nothing lacking, so the matcher also compares
   * this annotation both ways (DesiredStateMatcher).
   */
  public static final String SETTINGS_DIGEST = "shardeddb.io/settings-digest";

  /** Values. */
  public static final String APP = "shardeddb";

  public static final String OPERATOR = "shardeddb-operator";
  public static final String COMPONENT_SHARD = "shard";
  public static final String COMPONENT_ROUTER = "router";
  public static final String COMPONENT_CONFIG = "config";
  public static final String COMPONENT_ROUTER_TOKEN = "router-token";
  public static final String COMPONENT_MYSQL_CREDENTIALS = "mysql-credentials";
  public static final String COMPONENT_SHARD_AUTH = "shard-auth";
  public static final String COMPONENT_SHARD_DATA_AUTH = "shard-data-auth";
  public static final String COMPONENT_METRICS_AUTH = "metrics-auth";
  public static final String COMPONENT_CA = "ca";
  public static final String COMPONENT_TLS = "tls";
  public static final String COMPONENT_SHARD_TLS = "shard-tls";
  public static final String COMPONENT_LAYOUT_REQUEST = "layout-request";

  /** The label the operator's own pods carry (set by the Helm chart); NetworkPolicies admit it. */
  public static final Map<String, String> OPERATOR_POD = Map.of(NAME, OPERATOR);

  /** Informer selectors: one per dependent kind, so two dependents of a type never collide. */
  public static final String SELECT_SHARD =
      MANAGED_BY + "=" + OPERATOR + "," + COMPONENT + "=" + COMPONENT_SHARD;

  public static final String SELECT_ROUTER =
      MANAGED_BY + "=" + OPERATOR + "," + COMPONENT + "=" + COMPONENT_ROUTER;
  public static final String SELECT_CONFIG =
      MANAGED_BY + "=" + OPERATOR + "," + COMPONENT + "=" + COMPONENT_CONFIG;
  public static final String SELECT_ROUTER_TOKEN =
      MANAGED_BY + "=" + OPERATOR + "," + COMPONENT + "=" + COMPONENT_ROUTER_TOKEN;
  public static final String SELECT_MYSQL_CREDENTIALS =
      MANAGED_BY + "=" + OPERATOR + "," + COMPONENT + "=" + COMPONENT_MYSQL_CREDENTIALS;
  public static final String SELECT_SHARD_AUTH =
      MANAGED_BY + "=" + OPERATOR + "," + COMPONENT + "=" + COMPONENT_SHARD_AUTH;
  public static final String SELECT_SHARD_DATA_AUTH =
      MANAGED_BY + "=" + OPERATOR + "," + COMPONENT + "=" + COMPONENT_SHARD_DATA_AUTH;
  public static final String SELECT_METRICS_AUTH =
      MANAGED_BY + "=" + OPERATOR + "," + COMPONENT + "=" + COMPONENT_METRICS_AUTH;
  public static final String SELECT_CA =
      MANAGED_BY + "=" + OPERATOR + "," + COMPONENT + "=" + COMPONENT_CA;
  public static final String SELECT_TLS =
      MANAGED_BY + "=" + OPERATOR + "," + COMPONENT + "=" + COMPONENT_TLS;
  public static final String SELECT_SHARD_TLS =
      MANAGED_BY + "=" + OPERATOR + "," + COMPONENT + "=" + COMPONENT_SHARD_TLS;
  public static final String SELECT_LAYOUT_REQUEST =
      MANAGED_BY + "=" + OPERATOR + "," + COMPONENT + "=" + COMPONENT_LAYOUT_REQUEST;

  private Labels() {}

  /** Labels of a database-wide resource of this component. */
  public static Map<String, String> component(String db, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, APP);
    labels.put(INSTANCE, db);
    labels.put(COMPONENT, component);
    labels.put(PART_OF, APP);
    labels.put(MANAGED_BY, OPERATOR);
    return labels;
  }

  /** Labels of a shard's resources (StatefulSet, pods, Service, PDB, NetworkPolicy). */
  public static Map<String, String> shard(String db, String shardId) {
    Map<String, String> labels = component(db, COMPONENT_SHARD);
    labels.put(SHARD, shardId);
    return labels;
  }

  /** The selector matching one shard's pods. */
  public static Map<String, String> shardSelector(String db, String shardId) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(INSTANCE, db);
    selector.put(COMPONENT, COMPONENT_SHARD);
    selector.put(SHARD, shardId);
    return selector;
  }

  /** The selector matching every shard pod of a database (all its shards). */
  public static Map<String, String> shardsSelector(String db) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(INSTANCE, db);
    selector.put(COMPONENT, COMPONENT_SHARD);
    return selector;
  }

  /** The selector matching the router's pods. */
  public static Map<String, String> routerSelector(String db) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(INSTANCE, db);
    selector.put(COMPONENT, COMPONENT_ROUTER);
    return selector;
  }
}
