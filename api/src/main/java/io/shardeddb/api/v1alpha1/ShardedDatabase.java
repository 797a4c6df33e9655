package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.PrinterColumnFormat;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A sharded, replicated table: the one resource a user writes to get a ShardedDB database.
 *
 * <p>The printer columns appear in {@code kubectl get} in the order written here (the build's
 * CrdGeneration keeps it; Age last); {@code kubectl get shardeddb-all} lists this kind and its
 * backups.
 */
@Group(ShardedDatabase.GROUP)
@Version(ShardedDatabase.VERSION)
@Plural("shardeddatabases")
@ShortNames({"sdb", "shardeddb"})
@Categories(ShardedDatabase.CATEGORY)
@JsonClassDescription(
    "A sharded, replicated table: the one resource a user writes to get a ShardedDB database"
        + " (docs/resource.md). The operator runs its shard-servers, router and backups.")
@AdditionalPrinterColumn(
    name = "Ready",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Shards",
    type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".status.shardCount")
@AdditionalPrinterColumn(
    name = "Replicas",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.replicas")
@AdditionalPrinterColumn(
    name = "Primaries",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.primaries")
@AdditionalPrinterColumn(
    name = "Resharding",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Resharding\")].status")
@AdditionalPrinterColumn(
    name = "Sharding",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.sharding")
@AdditionalPrinterColumn(
    name = "Age",
    type = AdditionalPrinterColumn.Type.DATE,
    format = PrinterColumnFormat.DATE_TIME,
    jsonPath = ".metadata.creationTimestamp")
public class ShardedDatabase extends CustomResource<ShardedDatabaseSpec, ShardedDatabaseStatus>
    implements Namespaced {

  /** The API group of the resource. */
  public static final String GROUP = "shardeddb.io";

  /** The API version of the resource. */
  public static final String VERSION = "v1alpha1";

  /** The resource's apiVersion, as written in YAML. */
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /**
   * The category of both kinds: {@code kubectl get shardeddb-all} lists databases and backups. Not
   * {@code all} (they would join every {@code kubectl get all}), nor a short name: kubectl expands
   * a category before short names, so a category {@code shardeddb} would make {@code kubectl get
   * shardeddb NAME} ask for a backup of that name too.
   */
  public static final String CATEGORY = "shardeddb-all";

  /** The resource's kind. */
  public static final String KIND = "ShardedDatabase";

  // Spec and status are records without no-arg constructors; start empty instead of instantiating.
  @Override
  protected ShardedDatabaseSpec initSpec() {
    return null;
  }

  @Override
  protected ShardedDatabaseStatus initStatus() {
    return null;
  }
}
