package io.shardeddb.shardserver.backup;

/**
 * How a primary's archive goes on past its end (DESIGN §9, docs/backup.md "Held back, but
 * bounded"), decided from the first entry its log still holds there: the one right after the end
 * ({@link Contiguous}); a later one, when entries in between were trimmed before they were archived
 * (a store outage past {@code max-unarchived-entries}) or this replica was re-copied past them
 * ({@link Gap}: recorded in the store before anything is archived past it); or, when the shard has
 * no archive yet, the log's first entry ({@link Begin}: e.g. a database restored at that LSN).
 *
 * <p>Decided against the entry the log actually gives, never against a log start read earlier: the
 * trimmer may trim past the archive's end between that read and the page (while a call to the store
 * hangs across its restart), and a page asked from a trimmed LSN starts at the first entry held,
 * skipping the hole.
 */
sealed interface ArchiveResume {

  /** The entry after the archive's end is held (or none past it is yet): archive on. */
  record Contiguous() implements ArchiveResume {}

  /** The shard has no archive yet: it begins after {@code atLsn}, where this log starts. */
  record Begin(long atLsn) implements ArchiveResume {}

  /** Entries {@code fromLsn..toLsn} were never archived and are no longer held. */
  record Gap(long fromLsn, long toLsn) implements ArchiveResume {}

  /**
   * @param archivedLsn the archive's end (every entry up to it is archived)
   * @param archiveExists whether the shard's archive holds anything (its state, a segment, a range
   *     change or a gap in the store, or a segment this primary wrote)
   * @param firstHeldLsn the first entry past {@code archivedLsn} that this log holds (the log's
   *     start plus one when asked before a page)
   */
  static ArchiveResume of(long archivedLsn, boolean archiveExists, long firstHeldLsn) {
    if (firstHeldLsn <= archivedLsn + 1) {
      return new Contiguous();
    }
    if (!archiveExists) {
      return new Begin(firstHeldLsn - 1);
    }
    return new Gap(archivedLsn + 1, firstHeldLsn - 1);
  }
}
