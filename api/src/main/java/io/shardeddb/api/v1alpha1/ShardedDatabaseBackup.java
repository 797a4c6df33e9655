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
 * A backup of a ShardedDatabase (docs/backup.md): on demand ({@code kubectl-sdb backup create}) or
 * from {@code spec.backup.schedule}. A base backup snapshots every shard at an LSN into the store
 * and writes a manifest; a restore point records a cross-shard consistent cut.
 */
@Group(ShardedDatabase.GROUP)
@Version(ShardedDatabase.VERSION)
@Plural("shardeddatabasebackups")
@ShortNames({"sdbbackup"})
@Categories(ShardedDatabase.CATEGORY)
@JsonClassDescription(
    "A backup of a ShardedDatabase (docs/backup.md): on demand (kubectl sdb backup create) or from"
        + " the database's spec.backup.schedule; a base backup or a restore point.")
@AdditionalPrinterColumn(
    name = "Database",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.database")
@AdditionalPrinterColumn(
    name = "Phase",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.phase")
@AdditionalPrinterColumn(
    name = "Size",
    type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".status.sizeBytes")
@AdditionalPrinterColumn(
    name = "Age",
    type = AdditionalPrinterColumn.Type.DATE,
    format = PrinterColumnFormat.DATE_TIME,
    jsonPath = ".metadata.creationTimestamp")
public class ShardedDatabaseBackup
    extends CustomResource<ShardedDatabaseBackupSpec, ShardedDatabaseBackupStatus>
    implements Namespaced {

  public static final String KIND = "ShardedDatabaseBackup";

  @Override
  protected ShardedDatabaseBackupSpec initSpec() {
    return null;
  }

  @Override
  protected ShardedDatabaseBackupStatus initStatus() {
    return null;
  }
}
