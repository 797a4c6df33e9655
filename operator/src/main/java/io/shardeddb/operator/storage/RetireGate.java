package io.shardeddb.operator.storage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a shard gone from the spec and the layout (merged away, its rows moved and
 * purged) may lose its StatefulSet, and with it its volumes (docs/backup.md, "A shard merged away
 * keeps its pods until its archive holds its log"): with backups on, only once its archive holds
 * every entry its primary committed ({@code archivedLsn >= committedLsn} in {@code GET
 * /backup/status}, and {@code lagMillis} 0: the archiver's pass also wrote the archive's state,
 * which says how far a restore to a time may go); after the merge it takes no more writes, so that
 * is its whole log. Deleting it earlier would lose entries no other copy holds, and a restore to a
 * time before the merge would miss writes acknowledged before it (DESIGN §9). With backups off, or
 * with an archive refused (another owner's: nothing of this database goes there), nothing waits.
 * There is no time-out: the shard is kept while the store is down, however long, and the wait is
 * shown (Progressing, an Event). Pure: from the answers of the shard's replicas, asked primary
 * first.
 */
public final class RetireGate {

  /** What one replica answered to {@code GET /backup/status} (its {@code ArchiveStatus}). */
  public record Status(
      boolean enabled,
      boolean archiving,
      long archivedLsn,
      long committedLsn,
      long lagMillis,
      boolean stalled,
      String lastError,
      String refused) {

    /**
     * The fields of a {@code /backup/status} answer; absent ones false, -1 (LSNs), 0 (lag) or null.
     */
    public static Status of(JsonNode n) {
      return new Status(
          n.path("enabled").asBoolean(false),
          n.path("archiving").asBoolean(false),
          n.path("archivedLsn").asLong(-1),
          n.path("committedLsn").asLong(-1),
          n.path("lagMillis").asLong(0),
          n.path("stalled").asBoolean(false),
          n.path("lastError").isTextual() ? n.path("lastError").asText() : null,
          n.path("refused").isTextual() ? n.path("refused").asText() : null);
    }

    /** Whether it settles the question: it archives (the primary's answer), or it is refused. */
    public boolean decisive() {
      return archiving || refused != null;
    }
  }

  /** One replica's answer: its {@link Status}, or ({@code status} null) why none came. */
  public record Answer(String pod, Status status, String error) {

    /** A replica that answered. */
    public static Answer of(String pod, Status status) {
      return new Answer(pod, status, null);
    }

    /** A replica that did not answer (or not readably), with why. */
    public static Answer failed(String pod, String error) {
      return new Answer(pod, null, error);
    }
  }

  /** What to do with the retired shard's StatefulSet. */
  public sealed interface Decision permits Delete, Wait {}

  /** Delete it (and, once its pods are gone, its volumes); {@code why} says what allowed it. */
  public record Delete(String why) implements Decision {}

  /**
   * Keep it, pods running so its primary can go on archiving; {@code message} says what is awaited
   * (starting with {@link #waitPrefix}), {@code entries} how many are not archived yet (-1:
   * unknown, no primary answered).
   */
  public record Wait(String message, long entries) implements Decision {}

  private RetireGate() {}

  /**
   * The decision for shard {@code shard} with backups on ({@code backups}: spec.backup set) or off,
   * from its replicas' {@code answers} in the order asked (primary first): the first that archives
   * decides; a refused archive, from any of them, lets it go.
   */
  public static Decision decide(String shard, boolean backups, List<Answer> answers) {
    if (!backups) {
      return new Delete("backups are off: there is no archive to wait for");
    }
    for (Answer a : answers) {
      if (a.status() != null && a.status().refused() != null) {
        return new Delete(
            "its archive is refused (another owner's: nothing of this database goes there): "
                + a.status().refused());
      }
    }
    for (Answer a : answers) {
      Status s = a.status();
      if (s == null || !s.archiving()) {
        continue;
      }
      if (s.archivedLsn() >= s.committedLsn() && s.lagMillis() == 0) {
        return new Delete(
            "its archive holds its whole log (archived through LSN "
                + s.archivedLsn()
                + ", committed "
                + s.committedLsn()
                + ", on "
                + a.pod()
                + ")");
      }
      if (s.archivedLsn() >= s.committedLsn()) {
        // The segments are stored but the pass that stored them has not ended (it writes the
        // archive's state, which restores read for how far it reaches, then reports no lag).
        return new Wait(
            waitPrefix(shard)
                + ": its entries through LSN "
                + s.committedLsn()
                + " are archived, the archive's state not yet (primary "
                + a.pod()
                + ")",
            0);
      }
      long behind = s.committedLsn() - Math.max(0, s.archivedLsn());
      String store =
          s.lastError() == null
              ? ""
              : "; the store "
                  + (s.stalled() ? "has failed past its bound" : "failed")
                  + ": "
                  + s.lastError();
      return new Wait(
          waitPrefix(shard)
              + ": "
              + behind
              + " committed entries (LSN "
              + (Math.max(0, s.archivedLsn()) + 1)
              + ".."
              + s.committedLsn()
              + ") are not archived yet (primary "
              + a.pod()
              + store
              + ")",
          behind);
    }
    List<String> why = new ArrayList<>();
    for (Answer a : answers) {
      Status s = a.status();
      why.add(
          a.pod()
              + ": "
              + (s == null
                  ? "no answer (" + a.error() + ")"
                  : !s.enabled() ? "archiving is off on it" : "not its archiving primary"));
    }
    return new Wait(
        waitPrefix(shard)
            + ": no replica answers as its archiving primary"
            + (why.isEmpty() ? "" : " (" + String.join("; ", why) + ")"),
        -1);
  }

  /**
   * How every wait of {@code shard} begins, whatever its lag: a condition message holding it shows
   * that the wait was already announced.
   */
  public static String waitPrefix(String shard) {
    return "shard "
        + shard
        + " was merged away and is kept, pods running, until its backup archive holds its whole log";
  }

  /**
   * Whether the wait of {@code shard} is new: the previous Progressing message (null: none) does
   * not show it, so its Event is due (once per wait, not every pass).
   */
  public static boolean announce(String shard, String previousProgressing) {
    return previousProgressing == null || !previousProgressing.contains(waitPrefix(shard));
  }
}
