package io.shardeddb.backup;

/**
 * Whose archive a database's objects in the store are (DESIGN §9, docs/backup.md "One owner per
 * archive"): the ShardedDatabase's namespace, name and {@code metadata.uid}, and when it first used
 * the store. Written once, before anything else of the database, at {@link
 * BackupKeys#archiveOwner}; an incarnation with another UID is refused, never adopted.
 */
public record ArchiveOwner(String namespace, String name, String uid, long createdAtMillis) {

  /** {@code namespace/name (uid U)}, as messages name an owner. */
  public String describe() {
    return (namespace == null ? "" : namespace + "/") + name + " (uid " + uid + ")";
  }
}
