package io.shardeddb.backup;

import java.time.Instant;

/**
 * Whether a database incarnation may use the archive under its name ({@link ArchiveOwnership}): it
 * owns it, another incarnation does, objects are there with no owner marker, or nothing is there
 * yet. Only {@link Owned} may archive, back up or trim by the archive's state.
 */
public sealed interface ArchiveClaim {

  /** The marker names this incarnation. */
  record Owned(ArchiveOwner owner) implements ArchiveClaim {}

  /** The marker names {@code owner}, not the incarnation with {@code uid}. */
  record Foreign(String where, ArchiveOwner owner, String uid) implements ArchiveClaim {}

  /** No marker, but the archive holds {@code key}: written by someone unknown. */
  record NotEmpty(String where, String key, String uid) implements ArchiveClaim {}

  /** This database's UID is not configured ({@code setting}): no owner can be checked. */
  record Unidentified(String setting) implements ArchiveClaim {}

  /** No marker and nothing archived yet (only a check, which claims nothing, answers this). */
  record Unclaimed() implements ArchiveClaim {}

  /** Whether this incarnation may use the archive. */
  default boolean owned() {
    return this instanceof Owned;
  }

  /** Null when owned or unclaimed; else why the archive is refused and what to do about it. */
  default String problem() {
    return switch (this) {
      case Owned o -> null;
      case Unclaimed u -> null;
      case Unidentified u ->
          "this database's UID is not set ("
              + u.setting()
              + ", which the operator sets): the archive's owner cannot be checked, so nothing is"
              + " archived (the log is kept, not trimmed)";
      case Foreign f ->
          "the archive "
              + f.where()
              + " belongs to ShardedDatabase "
              + f.owner().describe()
              + ", first used at "
              + Instant.ofEpochMilli(f.owner().createdAtMillis())
              + ", not to this database (uid "
              + f.uid()
              + "): archiving is refused, never adopted, so neither incarnation's archive is mixed"
              + " with or trimmed by the other's (the log is kept, not trimmed). "
              + REMEDY;
      case NotEmpty n ->
          "the archive "
              + n.where()
              + " holds "
              + n.key()
              + " but no owner marker (owner.json): another database, or a ShardedDB older than"
              + " owner markers, wrote it; archiving is refused, never adopted (the log is kept,"
              + " not trimmed). "
              + REMEDY
              + "; to keep an archive known to be this database's, write its owner.json naming uid "
              + n.uid()
              + " (docs/backup.md)";
    };
  }

  /** What a user does about a refused archive. */
  String REMEDY =
      "Set spec.backup.store.prefix (or bucket) to one no other database uses, or empty that"
          + " prefix if the old archive is no longer needed";
}
