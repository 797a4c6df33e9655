package io.shardeddb.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;

/**
 * Builds the ConfigMap that describes the database to people (schema, shard layout and write
 * quorum; no process reads it; its keys are rows of {@link SettingsTable}) and the empty layout
 * request object the router writes to.
 */
public final class ConfigModel {

  private ConfigModel() {}

  /** The ConfigMap; deterministic so an unchanged spec never causes an update. */
  public static ConfigMap configMap(DatabaseModel db) {
    return new ConfigMapBuilder()
        .withMetadata(
            PodParts.meta(
                db,
                ShardedDatabaseResources.configMapName(db.name()),
                Labels.component(db.name(), Labels.COMPONENT_CONFIG)))
        .withData(SettingsTable.configMapData(db))
        .build();
  }

  /**
   * The router's layout request object, empty: the router writes requests into it and the operator
   * answers there ({@link io.shardeddb.api.LayoutRequest}). The operator creates it because RBAC
   * cannot limit {@code create} to one name; the router's Role names only this object.
   */
  public static ConfigMap layoutRequest(DatabaseModel db) {
    return new ConfigMapBuilder()
        .withMetadata(
            PodParts.meta(
                db,
                ShardedDatabaseResources.layoutRequestName(db.name()),
                Labels.component(db.name(), Labels.COMPONENT_LAYOUT_REQUEST)))
        .build();
  }
}
