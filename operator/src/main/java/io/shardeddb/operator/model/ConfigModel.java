package io.shardeddb.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;

/**
 * Builds the ConfigMap that describes the database to people (schema, shard layout and write
 * quorum); no process reads it. Its keys are rows of {@link SettingsTable}.
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
}
