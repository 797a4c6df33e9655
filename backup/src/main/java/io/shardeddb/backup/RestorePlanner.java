package io.shardeddb.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decides, from what the store holds, how a restore is done, or refuses with a message that names
 * what is missing: an unknown backup or restore point, a time before the first complete backup or
 * past the end of the archive, a layout the archives cannot give exactly. Pure: the caller reads
 * the store ({@link BackupCatalog}).
 *
 * <p>Resharding moves (docs/backup.md, "Restores and resharding moves"): each shard's archive
 * replays its moves' range entries (fence, adopt, purge) exactly as its live replicas applied them,
 * so what a shard owns at the target is what it owned in the base backup changed by its archived
 * {@link RangeChange}s up to its cut. The plan restores the layout at the target: a shard a split
 * created after the base restores from an empty base and its whole archive, a shard merged away
 * (owning nothing) is not restored, and a range fenced on its source but not yet adopted by its
 * destination is owned by the source again, as the published layout still had it.
 *
 * <p>A global timestamp is restored as a restore point whose LSNs are each shard's cut at it
 * ({@link TimestampCut}, computed by the caller from the archive and passed in {@code points}): the
 * same base choice, layout and checks, so a timestamp's cut is exact in LSNs on every shard.
 *
 * <p>Why this file is over 450 lines: the four targets (a backup, a time, a restore point, a global
 * timestamp) and the layout past resharding moves are one decision — which base and which archive
 * suffix each shard restores from — and every refusal is a case of that decision; kept together so
 * no target can skip a check another one makes.
 */
public final class RestorePlanner {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Points of the hash space (docs/resharding.md), owned whole by a hash-sharded config. */
  private static final long HASH_SPACE = 1L << 32;

  private RestorePlanner() {}

  public static RestorePlan plan(
      String source,
      RestoreTarget target,
      List<BackupManifest> backups,
      Map<String, ArchiveState> archive,
      Map<String, RestorePoint> points) {
    return plan(source, target, backups, archive, points, List.of(), Map.of());
  }

  /**
   * As above, over the layout at the target: {@code changes} are every shard's archived range
   * changes, {@code archiveStarts} the first LSN each shard's archive holds (a shard created after
   * the base must have archived from its first entry on). A table of contents: the base for the
   * target, each shard's changes up to its cut, what each owned in the base, what its replay
   * leaves, the ranges owned again because a cut-over had not completed, then the plan, checked.
   */
  public static RestorePlan plan(
      String source,
      RestoreTarget target,
      List<BackupManifest> backups,
      Map<String, ArchiveState> archive,
      Map<String, RestorePoint> points,
      List<RangeChange> changes,
      Map<String, Long> archiveStarts) {
    Chosen chosen = choose(source, target, backups, points);
    BackupManifest m = chosen.manifest();
    Map<String, List<RangeChange>> byShard = byShard(changes);
    Set<String> ids = new LinkedHashSet<>();
    m.shards().forEach(s -> ids.add(s.shard()));
    ids.addAll(byShard.keySet());
    refuseShardsAddedAfter(m, chosen, ids, archiveStarts.keySet(), source);
    Map<String, List<RangeChange>> cut = cut(ids, byShard, chosen);
    Optional<Map<String, List<KeyRange>>> inBase = ownedInBase(m, cut);
    if (inBase.isEmpty()) {
      return chosen.plan(archive, source);
    }
    Map<String, Replayed> replayed = new LinkedHashMap<>();
    for (String id : ids) {
      replayed.put(
          id, Replayed.of(inBase.get().getOrDefault(id, List.of()), baseLsn(m, id), cut.get(id)));
    }
    RestorePlan plan = atTarget(source, chosen, replayed, unfenced(replayed), archiveStarts);
    chosen.check(plan, archive, source);
    return plan;
  }

  /** Every shard's range changes in LSN order, by shard in order of first appearance. */
  static Map<String, List<RangeChange>> byShard(List<RangeChange> changes) {
    Map<String, List<RangeChange>> byShard = new LinkedHashMap<>();
    for (RangeChange c :
        changes.stream().sorted(Comparator.comparingLong(RangeChange::lsn)).toList()) {
      byShard.computeIfAbsent(c.shard(), k -> new ArrayList<>()).add(c);
    }
    return byShard;
  }

  /**
   * Each shard's changes up to its cut: all those in its base, then those before the target (none
   * for a named backup; those stamped by the time; those up to the restore point's LSN).
   */
  private static Map<String, List<RangeChange>> cut(
      Set<String> ids, Map<String, List<RangeChange>> byShard, Chosen chosen) {
    Map<String, List<RangeChange>> cut = new LinkedHashMap<>();
    for (String id : ids) {
      ShardBaseBackup base = chosen.manifest().shard(id);
      long baseLsn = base == null ? 0 : base.lsn();
      List<RangeChange> in = new ArrayList<>();
      for (RangeChange c : byShard.getOrDefault(id, List.of())) {
        boolean inside =
            c.lsn() <= baseLsn
                || switch (chosen.target()) {
                  case RestoreTarget.Backup b -> false;
                  // The replay stops at the first entry stamped after the time.
                  case RestoreTarget.Time t -> c.millis() <= t.millis();
                  case RestoreTarget.Point p -> c.lsn() <= chosen.pointLsn(id, base != null);
                  case RestoreTarget.Timestamp ts -> c.lsn() <= chosen.pointLsn(id, base != null);
                };
        if (!inside) {
          break;
        }
        in.add(c);
      }
      cut.put(id, in);
    }
    return cut;
  }

  /**
   * What each shard owned in the base backup (its config at the snapshot's LSN). Empty when a
   * shard's config names no ranges and no move changed the layout after the base: the plan is then
   * of the base's shards alone; refused when a move did.
   */
  private static Optional<Map<String, List<KeyRange>>> ownedInBase(
      BackupManifest m, Map<String, List<RangeChange>> cut) {
    Map<String, List<KeyRange>> owned = new LinkedHashMap<>();
    for (ShardBaseBackup s : m.shards()) {
      List<KeyRange> o = ownedIn(s, m);
      if (o == null) {
        OptionalLong firstMove = firstChangeAfterBase(cut, m);
        if (firstMove.isPresent()) {
          throw new RestoreException(
              "cannot tell which points shard "
                  + s.shard()
                  + " owned in backup '"
                  + m.name()
                  + "' (its config names no ranges), and a resharding move changed the layout"
                  + " between it and the target; restore to a time before "
                  + Instant.ofEpochMilli(firstMove.getAsLong())
                  + " or from a later base backup");
        }
        return Optional.empty();
      }
      owned.put(s.shard(), o);
    }
    return Optional.of(owned);
  }

  /**
   * What one shard's replay up to its cut leaves: the ranges it owns, those it fenced and had not
   * adopted again by its cut ({@code released}), and each fence's stamp. Changes at or below the
   * base's LSN are in the base's config already; they still say what was fenced.
   */
  record Replayed(List<KeyRange> owned, List<KeyRange> released, Map<KeyRange, Long> fencedAt) {

    static Replayed of(List<KeyRange> inBase, long baseLsn, List<RangeChange> cut) {
      List<KeyRange> o = inBase;
      List<KeyRange> rel = List.of();
      Map<KeyRange, Long> stamps = new LinkedHashMap<>();
      for (RangeChange c : cut) {
        KeyRange r = new KeyRange(c.low(), c.size());
        switch (c.op()) {
          case "Fence" -> {
            if (c.lsn() > baseLsn) {
              o = KeyRange.minus(o, r);
            }
            rel = KeyRange.plus(rel, r);
            stamps.put(r, c.millis());
          }
          case "Adopt" -> {
            if (c.lsn() > baseLsn) {
              o = KeyRange.plus(o, r);
            }
            rel = KeyRange.minus(rel, r);
          }
          default -> {}
        }
      }
      return new Replayed(o, rel, stamps);
    }

    /** The stamp of this shard's last fence of {@code point}; {@link Long#MIN_VALUE}: none. */
    long fencedAt(long point) {
      return fencedAt.entrySet().stream()
          .filter(e -> KeyRange.contains(List.of(e.getKey()), point))
          .mapToLong(Map.Entry::getValue)
          .max()
          .orElse(Long.MIN_VALUE);
    }
  }

  /**
   * Point by point: the shard that owns it, else the shard that fenced it last (a cut-over that had
   * not completed at the target: the published layout still had it there), which owns it again. Two
   * shards owning one point is refused.
   */
  static Map<String, List<KeyRange>> unfenced(Map<String, Replayed> replayed) {
    TreeSet<Long> edges = new TreeSet<>();
    for (Replayed r : replayed.values()) {
      for (KeyRange k : concat(r.owned(), r.released())) {
        edges.add(k.low());
        edges.add(k.high());
      }
    }
    Map<String, List<KeyRange>> unfenced = new LinkedHashMap<>();
    Long prev = null;
    for (long edge : edges) {
      if (prev != null) {
        long point = prev;
        List<String> owners =
            replayed.keySet().stream()
                .filter(id -> KeyRange.contains(replayed.get(id).owned(), point))
                .toList();
        if (owners.size() > 1) {
          throw new RestoreException(
              "shards "
                  + String.join(" and ", owners)
                  + " both own points "
                  + overlap(replayed, owners, point)
                  + " at the target: their archived range changes disagree about the order of a"
                  + " resharding move's fence and adopt (the primaries' clocks differ); restore"
                  + " to a restore point, or to a time before or well after the move");
        }
        KeyRange piece = new KeyRange(prev, edge - prev);
        if (owners.isEmpty()) {
          lastFencer(replayed, point)
              .ifPresent(
                  last ->
                      unfenced.put(
                          last, KeyRange.plus(unfenced.getOrDefault(last, List.of()), piece)));
        }
      }
      prev = edge;
    }
    return unfenced;
  }

  /** The shard that fenced {@code point} last and has not adopted it again, if any. */
  private static Optional<String> lastFencer(Map<String, Replayed> replayed, long point) {
    String last = null;
    long lastStamp = Long.MIN_VALUE;
    for (Map.Entry<String, Replayed> e : replayed.entrySet()) {
      if (KeyRange.contains(e.getValue().released(), point)) {
        long stamp = e.getValue().fencedAt(point);
        if (last == null || stamp > lastStamp) {
          last = e.getKey();
          lastStamp = stamp;
        }
      }
    }
    return Optional.ofNullable(last);
  }

  /**
   * The plan of the layout at the target: each shard that owns one range then (owned, or owned
   * again as unfenced), in key order; a shard created after the base only with its whole archive.
   */
  private static RestorePlan atTarget(
      String source,
      Chosen chosen,
      Map<String, Replayed> replayed,
      Map<String, List<KeyRange>> unfenced,
      Map<String, Long> archiveStarts) {
    BackupManifest m = chosen.manifest();
    List<RestorePlan.Shard> shards = new ArrayList<>();
    List<BackupManifest.ShardRange> layout = new ArrayList<>();
    for (String id : replayed.keySet()) {
      List<KeyRange> back = unfenced.getOrDefault(id, List.of());
      List<KeyRange> all = KeyRange.normalize(concat(replayed.get(id).owned(), back));
      if (all.isEmpty()) {
        continue; // merged away, or created after the target: not part of the layout then
      }
      if (all.size() > 1) {
        throw new RestoreException(
            "shard "
                + id
                + " owns "
                + all
                + " at the target, not one range as spec.shards gives each shard; restore to a"
                + " time before or after the move that left it so");
      }
      ShardBaseBackup base = m.shard(id);
      if (base == null) {
        requireWholeArchive(id, m, archiveStarts);
      }
      shards.add(chosen.shard(id, base, all, back));
      layout.add(new BackupManifest.ShardRange(id, all.get(0).low(), all.get(0).size()));
    }
    layout.sort(Comparator.comparingLong(BackupManifest.ShardRange::low));
    return new RestorePlan(source, m, shards, chosen.summary(), List.copyOf(layout));
  }

  private static long baseLsn(BackupManifest m, String id) {
    ShardBaseBackup base = m.shard(id);
    return base == null ? 0 : base.lsn();
  }

  /**
   * A shard with an archive that is neither in the base backup nor in any range change was added
   * over new points after the base (the assignment's {@code /add}: no move, so nothing in the
   * archive says what it owns or since when). A restore past the base cannot place it, and leaving
   * it out would drop its rows: refused, naming it. A named backup replays nothing; a restore point
   * that records no LSN for it was taken before it existed.
   */
  private static void refuseShardsAddedAfter(
      BackupManifest m, Chosen chosen, Set<String> known, Set<String> archived, String source) {
    for (String id : archived.stream().sorted().toList()) {
      if (known.contains(id)) {
        continue;
      }
      String why =
          switch (chosen.target()) {
            case RestoreTarget.Backup b -> null;
            case RestoreTarget.Time t ->
                "a restore to a time after that backup cannot tell whether it existed at the time";
            case RestoreTarget.Point p ->
                chosen.point().lsns().containsKey(id)
                    ? "restore point '" + p.name() + "' records it"
                    : null;
            case RestoreTarget.Timestamp ts ->
                chosen.point().lsns().containsKey(id)
                    ? "the cut at timestamp " + ts.timestamp() + " replays its entries"
                    : null;
          };
      if (why != null) {
        throw new RestoreException(
            "shard "
                + id
                + " has archived log entries but is not in backup '"
                + m.name()
                + "' and took part in no resharding move: it was added over new points after that"
                + " backup ("
                + why
                + "), and its rows would be missing from the restore; take a base backup"
                + " (kubectl-sdb backup create "
                + source
                + ") and restore from it or to a later time or restore point, or restore the named"
                + " backup '"
                + m.name()
                + "' itself");
      }
    }
  }

  private static List<KeyRange> concat(List<KeyRange> a, List<KeyRange> b) {
    List<KeyRange> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static String overlap(Map<String, Replayed> replayed, List<String> owners, long p) {
    KeyRange common = null;
    for (String id : owners) {
      for (KeyRange r : replayed.get(id).owned()) {
        if (p >= r.low() && p < r.high()) {
          common =
              common == null
                  ? r
                  : new KeyRange(
                      Math.max(common.low(), r.low()),
                      Math.min(common.high(), r.high()) - Math.max(common.low(), r.low()));
        }
      }
    }
    return String.valueOf(common);
  }

  /** The stamp of the first change after its shard's base (a move to replay), if any. */
  private static OptionalLong firstChangeAfterBase(
      Map<String, List<RangeChange>> cut, BackupManifest m) {
    return cut.entrySet().stream()
        .flatMap(e -> e.getValue().stream().filter(c -> c.lsn() > baseLsn(m, e.getKey())))
        .mapToLong(RangeChange::millis)
        .min();
  }

  /** A shard created after the base restores from its archive's first entry on, or not at all. */
  private static void requireWholeArchive(
      String id, BackupManifest m, Map<String, Long> archiveStarts) {
    Long start = archiveStarts.get(id);
    if (start == null || start != 1) {
      throw new RestoreException(
          "shard "
              + id
              + " was created by a resharding move after backup '"
              + m.name()
              + "', so it restores from its archive alone, but "
              + (start == null
                  ? "it has no archive"
                  : "its archive starts at lsn "
                      + start
                      + ": entries 1.."
                      + (start - 1)
                      + " were never archived")
              + "; restore to a time before the move, or from a base backup taken after it");
    }
  }

  /**
   * The ranges a shard owned in the backup: its config's {@code owned}, else its bring-up range;
   * null for a config that owns every key; the manifest's layout when there is no config.
   */
  static List<KeyRange> ownedIn(ShardBaseBackup s, BackupManifest m) {
    try {
      JsonNode c = s.configJson() == null ? null : JSON.readTree(s.configJson());
      if (c != null && c.path("owned").isArray()) {
        List<KeyRange> out = new ArrayList<>();
        for (JsonNode r : c.path("owned")) {
          out.add(new KeyRange(r.path("low").asLong(), r.path("size").asLong()));
        }
        return KeyRange.normalize(out);
      }
      if (c != null && c.path("low").isNumber() && c.path("size").isNumber()) {
        return List.of(new KeyRange(c.path("low").asLong(), c.path("size").asLong()));
      }
      if (c != null && "Hash".equals(c.path("sharding").asText())) {
        return List.of(new KeyRange(0, HASH_SPACE));
      }
      if (c != null && c.path("schema").isObject()) {
        return null; // a config that owns every key: no range to plan with
      }
    } catch (IOException e) {
      // unreadable: fall back to the layout
    }
    return m.layout().stream()
        .filter(r -> r.shard().equals(s.shard()))
        .map(r -> List.of(new KeyRange(r.low(), r.size())))
        .findFirst()
        .orElse(null);
  }

  /** The base backup chosen for a target, and how each shard's target and archive are checked. */
  private record Chosen(
      BackupManifest manifest, RestoreTarget target, RestorePoint point, String summary) {

    /**
     * The restore point's LSN of a shard. A shard it does not list did not exist at the point: one
     * of the base was gone by then (all its changes happened before), one created after the base
     * did not exist yet (none of its changes did).
     */
    long pointLsn(String id, boolean inBase) {
      return point.lsns().getOrDefault(id, inBase ? Long.MAX_VALUE : 0);
    }

    RestorePlan.Shard shard(
        String id, ShardBaseBackup base, List<KeyRange> owned, List<KeyRange> unfenced) {
      long baseLsn = base == null ? 0 : base.lsn();
      return switch (target) {
        case RestoreTarget.Backup b ->
            new RestorePlan.Shard(id, baseLsn, -1, -1, base == null, owned, unfenced);
        case RestoreTarget.Time t ->
            new RestorePlan.Shard(id, baseLsn, -1, t.millis(), base == null, owned, unfenced);
        case RestoreTarget.Point p -> toPoint(id, baseLsn, base, owned, unfenced);
        case RestoreTarget.Timestamp ts -> toPoint(id, baseLsn, base, owned, unfenced);
      };
    }

    /** A shard restored exactly to the LSN the (restore or timestamp's) point records for it. */
    private RestorePlan.Shard toPoint(
        String id,
        long baseLsn,
        ShardBaseBackup base,
        List<KeyRange> owned,
        List<KeyRange> unfenced) {
      Long want = point.lsns().get(id);
      if (want == null) {
        throw new RestoreException(
            "shard "
                + id
                + " owns "
                + owned
                + " at "
                + (target instanceof RestoreTarget.Point ? "restore point '" : "'")
                + point.name()
                + "', which records no lsn for it");
      }
      return new RestorePlan.Shard(id, baseLsn, want, -1, base == null, owned, unfenced);
    }

    /** A shard's archive reaches the LSN it is restored to. */
    private static void checkArchivedTo(RestorePlan.Shard s, ArchiveState a, String what) {
      long want = s.toLsn();
      if (want > s.baseLsn() && (a == null || a.archivedLsn() < want)) {
        throw new RestoreException(
            "shard "
                + s.shard()
                + " has archived up to lsn "
                + (a == null ? 0 : a.archivedLsn())
                + ", short of "
                + what
                + " (lsn "
                + want
                + "); retry once archiving catches up");
      }
    }

    /** The plan of the base's shards alone, as before resharding (ownership unknown). */
    RestorePlan plan(Map<String, ArchiveState> archive, String source) {
      List<RestorePlan.Shard> shards = new ArrayList<>();
      for (ShardBaseBackup s : manifest.shards()) {
        RestorePlan.Shard full = shard(s.shard(), s, null, List.of());
        shards.add(
            new RestorePlan.Shard(full.shard(), full.baseLsn(), full.toLsn(), full.toTimeMillis()));
      }
      RestorePlan plan = new RestorePlan(source, manifest, shards, summary);
      check(plan, archive, source);
      return plan;
    }

    /** Every restored shard's archive reaches the target. */
    void check(RestorePlan plan, Map<String, ArchiveState> archive, String source) {
      for (RestorePlan.Shard s : plan.shards()) {
        ArchiveState a = archive.get(s.shard());
        switch (target) {
          case RestoreTarget.Backup b -> {}
          case RestoreTarget.Time t -> {
            if (a == null) {
              throw new RestoreException(
                  "shard "
                      + s.shard()
                      + " of '"
                      + source
                      + "' has no archive: cannot restore to a time");
            }
            if (a.archivedThroughMillis() < t.millis()) {
              throw new RestoreException(
                  "time "
                      + Instant.ofEpochMilli(t.millis())
                      + " is after the last archived entry of shard "
                      + s.shard()
                      + " (archived through "
                      + Instant.ofEpochMilli(a.archivedThroughMillis())
                      + ")");
            }
          }
          case RestoreTarget.Point p -> checkArchivedTo(s, a, "restore point '" + p.name() + "'");
          case RestoreTarget.Timestamp ts ->
              checkArchivedTo(s, a, "the cut at timestamp " + ts.timestamp());
        }
      }
    }
  }

  /** The base backup for {@code target}, from the complete backups in order of completion. */
  private static Chosen choose(
      String source,
      RestoreTarget target,
      List<BackupManifest> backups,
      Map<String, RestorePoint> points) {
    List<BackupManifest> complete =
        backups.stream()
            .sorted(Comparator.comparingLong(BackupManifest::completedAtMillis))
            .toList();
    return switch (target) {
      case RestoreTarget.Backup b -> chooseBackup(source, b, complete);
      case RestoreTarget.Time t -> chooseTime(source, t, complete);
      case RestoreTarget.Point p -> choosePoint(source, p, complete, points);
      case RestoreTarget.Timestamp ts -> chooseTimestamp(source, ts, complete, points);
    };
  }

  /** The named backup itself. */
  private static Chosen chooseBackup(
      String source, RestoreTarget.Backup b, List<BackupManifest> complete) {
    BackupManifest m =
        complete.stream()
            .filter(x -> x.name().equals(b.name()))
            .findFirst()
            .orElseThrow(
                () ->
                    new RestoreException(
                        "backup '"
                            + b.name()
                            + "' of database '"
                            + source
                            + "' is not in the store (complete backups: "
                            + names(complete)
                            + ")"));
    return new Chosen(m, b, null, "backup " + m.name());
  }

  /** The last backup completed by the time. */
  private static Chosen chooseTime(
      String source, RestoreTarget.Time t, List<BackupManifest> complete) {
    BackupManifest m =
        complete.stream()
            .filter(x -> x.completedAtMillis() <= t.millis())
            .reduce((a, c) -> c)
            .orElseThrow(
                () ->
                    new RestoreException(
                        "time "
                            + Instant.ofEpochMilli(t.millis())
                            + " is before the first complete backup of '"
                            + source
                            + "'"
                            + (complete.isEmpty()
                                ? " (there is none)"
                                : " (completed at "
                                    + Instant.ofEpochMilli(complete.get(0).completedAtMillis())
                                    + ")")));
    return new Chosen(
        m, t, null, "time " + Instant.ofEpochMilli(t.millis()) + " from backup " + m.name());
  }

  /**
   * The last backup below every shard's cut of the restore point. A backup before the point may
   * hold a shard the point does not list: gone by then (merged away after the backup). One after it
   * must list every shard it holds.
   */
  private static Chosen choosePoint(
      String source,
      RestoreTarget.Point p,
      List<BackupManifest> complete,
      Map<String, RestorePoint> points) {
    RestorePoint rp = points.get(p.name());
    if (rp == null) {
      throw new RestoreException(
          "restore point '"
              + p.name()
              + "' of database '"
              + source
              + "' is not in the store (known: "
              + (points.isEmpty() ? "none" : String.join(", ", points.keySet()))
              + ")");
    }
    BackupManifest m =
        lastBelow(complete, rp)
            .orElseThrow(
                () ->
                    new RestoreException(
                        "no complete backup of '"
                            + source
                            + "' lies before restore point '"
                            + p.name()
                            + "'"));
    return new Chosen(m, p, rp, "restore point " + rp.name() + " from backup " + m.name());
  }

  /**
   * The last backup none of whose shards' snapshots is past the timestamp's cut (a base at an LSN
   * past the cut holds entries stamped after the timestamp, so it cannot be used); the cut is
   * {@code points}' entry of {@link TimestampCut#pointName}, which the caller computed from the
   * archive.
   */
  private static Chosen chooseTimestamp(
      String source,
      RestoreTarget.Timestamp ts,
      List<BackupManifest> complete,
      Map<String, RestorePoint> points) {
    String name = TimestampCut.pointName(ts.timestamp());
    RestorePoint cut = points.get(name);
    if (cut == null) {
      throw new IllegalStateException("no cut computed for " + name);
    }
    String at = TimestampCut.describe(ts.timestamp());
    BackupManifest m =
        lastBelow(complete, cut)
            .orElseThrow(
                () ->
                    new RestoreException(
                        "no complete backup of '"
                            + source
                            + "' lies before timestamp "
                            + at
                            + " (a base is usable when every shard's snapshot is at or below"
                            + " the shard's cut: "
                            + cut.lsns()
                            + "; complete backups: "
                            + names(complete)
                            + ")"));
    return new Chosen(m, ts, cut, "timestamp " + at + " from backup " + m.name());
  }

  /** The last backup whose every shard's snapshot is at or below the point's LSN for it. */
  private static Optional<BackupManifest> lastBelow(
      List<BackupManifest> complete, RestorePoint rp) {
    return complete.stream()
        .filter(
            x ->
                x.shards().stream()
                    .allMatch(
                        s ->
                            rp.lsns().containsKey(s.shard())
                                ? s.lsn() <= rp.lsns().get(s.shard())
                                : x.completedAtMillis() <= rp.createdAtMillis()))
        .reduce((a, c) -> c);
  }

  private static String names(List<BackupManifest> ms) {
    return ms.isEmpty()
        ? "none"
        : ms.stream().map(BackupManifest::name).collect(Collectors.joining(", "));
  }
}
