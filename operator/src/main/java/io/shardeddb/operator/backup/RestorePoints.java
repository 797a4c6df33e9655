package io.shardeddb.operator.backup;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.backup.ArchiveClaim;
import io.shardeddb.backup.ArchiveOwnership;
import io.shardeddb.backup.BackupJson;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.RestorePoint;
import io.shardeddb.operator.backup.CutCheck.PauseResult;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.protocol.shard.WritePause;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A restore point: a cut consistent across shards (docs/backup.md). Every shard's primary — the one
 * the status names, at the status's epoch — is asked at once to pause its commits ({@code POST
 * /backup/pause}, under a lease of a few seconds, so an operator that dies here holds nothing up
 * for longer) and answers the LSN a quorum holds at the pause. Once every pause has answered, all
 * are resumed, and each resume says whether its pause still held (with the primary's epoch
 * confirmed by a majority after the resume, so no successor committed meanwhile). {@link CutCheck}
 * decides: only when every pause held — so all were paused at once, and no write acknowledged after
 * one shard's cut precedes another's — is the cut written to the store (and each primary asked to
 * archive now); otherwise nothing is stored and the next pass tries again, up to {@link
 * CutCheck#MAX_ATTEMPTS}.
 */
final class RestorePoints {
  /** How long each pause holds at most, and how long the operator waits for a pause's answer. */
  static final Duration LEASE = Duration.ofSeconds(5);

  /**
   * How long the operator waits for a resume's answer: the primary answers once a majority confirms
   * its epoch after the resume (a round trip), or after its lease period (2 s by default).
   */
  static final Duration RESUME_DEADLINE = Duration.ofSeconds(3);

  /** Pauses sent at once: more shards than this queue, and a queued pause may lapse the cut. */
  private static final int PARALLEL_CALLS = 32;

  private final ShardServerClient shards;
  private final ExecutorService calls =
      Executors.newFixedThreadPool(
          PARALLEL_CALLS, Thread.ofPlatform().daemon().name("restore-point-", 0).factory());

  /** Attempts so far per restore point (namespace/name), in this operator process. */
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

  /**
   * lsns when taken; else failure (final, with its condition reason) or message (try again).
   *
   * @param reason the condition reason of a failure, null otherwise
   */
  record Outcome(Map<String, Long> lsns, String reason, String failure, String message) {
    static Outcome retry(String message) {
      return new Outcome(null, null, null, message);
    }

    static Outcome failed(String reason, String failure) {
      return new Outcome(null, reason, failure, null);
    }
  }

  /** A shard's primary as the status names it: where to send the pause, and at which epoch. */
  record Primary(String shard, String url, Long epoch) {}

  RestorePoints(ShardServerClient shards) {
    this.shards = shards;
  }

  Outcome take(String name, ShardedDatabase sdb, BackupStore store, Clock clock) {
    String db = sdb.getMetadata().getName();
    String key = sdb.getMetadata().getNamespace() + "/" + name;
    if (store.get(BackupKeys.restorePoint(db, name)).isPresent()) {
      return Outcome.failed(
          "RestorePointFailed", "restore point " + name + " of " + db + " already exists");
    }
    // Only into this database's own archive (docs/backup.md, "One owner per archive").
    ArchiveClaim owner = ArchiveOwnership.check(store, db, sdb.getMetadata().getUid());
    if (!owner.owned()) {
      return owner.problem() == null
          ? Outcome.retry("no shard of " + db + " has archived yet; retrying")
          : Outcome.failed("ArchiveRefused", owner.problem());
    }
    List<ShardStatus> statuses =
        sdb.getStatus() == null || sdb.getStatus().shards() == null
            ? List.of()
            : sdb.getStatus().shards();
    if (statuses.isEmpty()) {
      return Outcome.retry("the database has no running shards yet");
    }
    List<Primary> primaries = new ArrayList<>();
    for (ShardStatus s : statuses) {
      String url = primaryUrl(s);
      if (url == null) {
        return Outcome.retry("shard " + s.id() + " has no primary now; retrying");
      }
      primaries.add(new Primary(s.id(), url, s.epoch()));
    }
    int attempt = attempts.merge(key, 1, Integer::sum);
    List<PauseResult> results = cut(primaries, name + "-" + clock.millis());
    return switch (CutCheck.decide(results, attempt)) {
      case CutCheck.Retry r -> Outcome.retry(r.reason());
      case CutCheck.Fail f -> {
        attempts.remove(key);
        yield Outcome.failed("NoConsistentCut", f.reason());
      }
      case CutCheck.Store s -> {
        attempts.remove(key);
        store.putBytes(
            BackupKeys.restorePoint(db, name),
            BackupJson.write(new RestorePoint(name, db, clock.millis(), s.lsns())));
        archiveNow(primaries);
        yield new Outcome(
            s.lsns(), null, null, "restore point " + name + " of " + db + " at " + s.lsns());
      }
    };
  }

  /** The URL of the replica the status names primary, if it reports one. */
  private static String primaryUrl(ShardStatus s) {
    if (s.primary() == null || s.replicas() == null) {
      return null;
    }
    return s.replicas().stream()
        .filter(r -> s.primary().equals(r.pod()) && r.url() != null)
        .map(ReplicaStatus::url)
        .findFirst()
        .orElse(null);
  }

  /**
   * Pauses every primary at once, waits for every answer (each within {@link #LEASE}), then resumes
   * every one of them — also those whose pause failed or is still on its way, in case it took
   * effect (its lease ends it in any case) — and reports each.
   */
  private List<PauseResult> cut(List<Primary> primaries, String id) {
    List<CompletableFuture<WritePause.Cut>> pauses = new ArrayList<>();
    for (Primary p : primaries) {
      WritePause.Request request = new WritePause.Request(id, LEASE.toMillis(), p.epoch());
      pauses.add(
          CompletableFuture.supplyAsync(() -> shards.pauseWrites(p.url(), request, LEASE), calls));
    }
    List<Answer<WritePause.Cut>> paused = new ArrayList<>();
    for (CompletableFuture<WritePause.Cut> f : pauses) {
      paused.add(await(f, LEASE));
    }
    List<CompletableFuture<WritePause.Resumed>> resumes = new ArrayList<>();
    for (Primary p : primaries) {
      resumes.add(
          CompletableFuture.supplyAsync(
              () -> shards.resumeWrites(p.url(), id, RESUME_DEADLINE), calls));
    }
    List<PauseResult> results = new ArrayList<>();
    for (int i = 0; i < primaries.size(); i++) {
      Answer<WritePause.Resumed> resumed = await(resumes.get(i), RESUME_DEADLINE);
      results.add(result(primaries.get(i).shard(), paused.get(i), resumed));
    }
    return results;
  }

  /** A call's answer, or why there is none. */
  private record Answer<T>(T value, String failure) {}

  /** One shard's part, from what its pause and its resume answered (or why they did not). */
  private static PauseResult result(
      String shard, Answer<WritePause.Cut> paused, Answer<WritePause.Resumed> resumed) {
    if (paused.value() == null) {
      return PauseResult.notPaused(shard, paused.failure());
    }
    long lsn = paused.value().lsn();
    if (resumed.value() == null) {
      return PauseResult.unknown(shard, lsn, resumed.failure());
    }
    WritePause.Hold hold = resumed.value().hold();
    if (hold == null) {
      return PauseResult.unknown(shard, lsn, "the answer does not say whether the pause held");
    }
    return switch (hold) {
      case Held -> PauseResult.held(shard, lsn);
      case Lapsed -> PauseResult.lapsed(shard, lsn);
      case Unconfirmed -> PauseResult.unconfirmed(shard, lsn);
    };
  }

  /** The call's answer, or why there is none: it failed or took longer than {@code deadline}. */
  private static <T> Answer<T> await(CompletableFuture<T> call, Duration deadline) {
    try {
      // The client gives up at the deadline itself; the margin covers a queue behind other calls.
      return new Answer<>(call.get(deadline.toMillis() + 1_000, TimeUnit.MILLISECONDS), null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return new Answer<>(null, cause.getMessage());
    } catch (TimeoutException e) {
      return new Answer<>(null, "no answer within " + deadline.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer<>(null, "interrupted");
    }
  }

  private void archiveNow(List<Primary> primaries) {
    for (Primary p : primaries) {
      try {
        shards.postJson(p.url(), "/backup/archive", Map.of());
      } catch (RuntimeException ignored) {
        // Archiving catches up on its own interval.
      }
    }
  }
}
