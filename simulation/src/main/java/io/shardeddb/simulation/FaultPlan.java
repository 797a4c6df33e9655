package io.shardeddb.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One seed's faults as data, drawn before the schedule runs (TigerBeetle's {@code options_swarm}):
 * the network's loss, duplication and delay for the run, the replicas' log trimming when the world
 * asks for it ({@link LogTrim}; null: production's retention, never reached in a schedule), and the
 * timed {@link Fault}s — crashes, pauses, partitions, lost volumes, operator and resharder
 * restarts, storage faults, clients cut off — each naming its victims by role, which the world
 * resolves when the time comes ({@link FaultInjector}). Every world draws its plan here, from a
 * {@code Random} of the seed's own, so a fault kind added here reaches every world, and nothing
 * else a world draws (the network's chances, the clients' choices) moves the plan.
 */
record FaultPlan(Network.Faults network, List<Fault> faults, LogTrim trim) {
  FaultPlan(Network.Faults network, List<Fault> faults) {
    this(network, faults, null);
  }

  /**
   * How the replicas trim their logs for the run ({@code LogTrimmer}, DESIGN §9's bounded log):
   * every {@code intervalMillis}, through {@code retention} entries behind the applied LSN and
   * never past the archive's floor. Small enough that a replica down or cut off for a few seconds
   * finds its next entry trimmed on its primary (410) and re-copies.
   */
  record LogTrim(long retention, long intervalMillis) {}

  /**
   * What a world offers to strike: {@code shards} shards, {@code clientSides} clients or routers a
   * replica may be cut off from, a resharder or not; faults from {@code from} until {@code until}
   * (simulated ms), one every 200–1,400 ms; {@code aimedAtCopies}: about one fault in three a
   * rebuild aimed at rule 7's window ({@link Fault.RebuildThenCrashPrimary}), drawn from a {@code
   * Random} of its own so the plan's other faults stay as they are without it.
   */
  record Shape(
      int shards,
      int clientSides,
      boolean mover,
      long from,
      long until,
      boolean aimedAtCopies,
      boolean databaseRestarts,
      boolean aimedAtSessions,
      boolean logTrims,
      boolean storeOutages) {
    Shape(
        int shards, int clientSides, boolean mover, long from, long until, boolean aimedAtCopies) {
      this(shards, clientSides, mover, from, until, aimedAtCopies, false, false, false, false);
    }

    /**
     * One outage of the backup store (a world with one: {@link Fault.StoreOutage}, 4-10 s, within 4
     * s of the start of faults), drawn from a {@code Random} of its own: the plan's other faults
     * stay as they are.
     */
    Shape withStoreOutages() {
      return new Shape(
          shards,
          clientSides,
          mover,
          from,
          until,
          aimedAtCopies,
          databaseRestarts,
          aimedAtSessions,
          logTrims,
          true);
    }

    Shape withFaultsAimedAtCopies() {
      return new Shape(
          shards,
          clientSides,
          mover,
          from,
          until,
          true,
          databaseRestarts,
          aimedAtSessions,
          logTrims,
          storeOutages);
    }

    /**
     * The replicas trim their logs ({@link LogTrim}: 60-140 entries kept, every 300-800 ms), drawn
     * from a {@code Random} of its own: the plan's faults stay as they are.
     */
    Shape withLogTrims() {
      return new Shape(
          shards,
          clientSides,
          mover,
          from,
          until,
          aimedAtCopies,
          databaseRestarts,
          aimedAtSessions,
          true,
          storeOutages);
    }

    /**
     * In a world with a resharder, two faults aimed at finding 7's window ({@link
     * Fault.CutOffThroughACutOver}: one at the start of faults, one 4-8 s later), drawn from a
     * {@code Random} of their own: the plan's other faults stay as they are.
     */
    Shape withFaultsAimedAtSessions() {
      return new Shape(
          shards,
          clientSides,
          mover,
          from,
          until,
          aimedAtCopies,
          databaseRestarts,
          true,
          logTrims,
          storeOutages);
    }

    /**
     * About one fault slot in three also restarts a replica's database under its live process
     * ({@link Fault.RestartDatabase}), drawn from a {@code Random} of its own: the plan's other
     * faults stay as they are.
     */
    Shape withDatabaseRestarts() {
      return new Shape(
          shards,
          clientSides,
          mover,
          from,
          until,
          aimedAtCopies,
          true,
          aimedAtSessions,
          logTrims,
          storeOutages);
    }
  }

  /** The plan of {@code seed} for a world of {@code shape}. */
  static FaultPlan draw(long seed, Shape shape) {
    Random r = new Random(seed ^ 0x6A09E667F3BCC909L);
    Network.Faults network =
        new Network.Faults(r.nextDouble() * 0.05, r.nextDouble() * 0.05, 1, 1 + r.nextInt(40));
    Random aimed = shape.aimedAtCopies() ? new Random(seed * 0x2545F4914F6CDD1DL + 7) : null;
    Random restarts = shape.databaseRestarts() ? new Random(seed * 0x9E3779B97F4A7C15L + 47) : null;
    List<Fault> faults = new ArrayList<>();
    for (long t = shape.from(); t < shape.until(); t += 200 + r.nextInt(1_200)) {
      Fault f = one(r, t, shape);
      if (aimed != null && aimed.nextInt(3) == 0) {
        f =
            new Fault.RebuildThenCrashPrimary(
                t,
                aimed.nextInt(shape.shards()),
                aimed.nextInt(1 << 16),
                300 + aimed.nextInt(3_000),
                f);
      }
      faults.add(f);
      if (restarts != null && restarts.nextInt(3) == 0) {
        faults.add(restart(restarts, t + restarts.nextInt(150), shape));
      }
    }
    if (shape.aimedAtSessions() && shape.mover()) {
      Random sessions = new Random(seed * 0xD1B54A32D192ED03L + 71);
      for (long at : new long[] {shape.from(), shape.from() + 4_000 + sessions.nextInt(4_000)}) {
        faults.add(
            new Fault.CutOffThroughACutOver(
                at,
                sessions.nextInt(1 << 16),
                sessions.nextInt(shape.clientSides()),
                1_500 + sessions.nextInt(3_000)));
      }
      faults.sort(java.util.Comparator.comparingLong(Fault::at));
    }
    if (shape.storeOutages()) {
      Random outages = new Random(seed * 0x94D049BB133111EBL + 29);
      faults.add(
          new Fault.StoreOutage(
              shape.from() + outages.nextInt(4_000), 4_000 + outages.nextInt(6_001)));
      faults.sort(java.util.Comparator.comparingLong(Fault::at));
    }
    LogTrim trim = null;
    if (shape.logTrims()) {
      Random trims = new Random(seed * 0xBF58476D1CE4E5B9L + 13);
      trim = new LogTrim(60 + trims.nextInt(81), 300 + trims.nextInt(501));
    }
    return new FaultPlan(network, List.copyOf(faults), trim);
  }

  /**
   * One fault at {@code at}: each kind equally likely but a client's side cut off (twice as
   * likely), the resharder's two only in a world with one; the victim is the primary of a shard one
   * time in three (storage faults: two in three, the primary being the replica that commits most),
   * else any pod; 300–3,300 ms long.
   */
  private static Fault one(Random r, long at, Shape s) {
    Fault.Victim v = victim(r, s, r.nextInt(3) == 0);
    long length = 300 + r.nextInt(3_000);
    return switch (r.nextInt(s.mover() ? 14 : 12)) {
      case 0 -> new Fault.Crash(at, v, length);
      case 1 -> new Fault.Pause(at, v, length);
      case 2 -> new Fault.Partition(at, v, victim(r, s, false), length);
      case 3 -> new Fault.CutFromOperator(at, v, length);
      case 4 -> new Fault.Isolate(at, v, length);
      case 5 -> new Fault.LoseVolume(at, v, length);
      case 6 -> new Fault.RestartOperator(at, v.shard(), length);
      case 7 -> new Fault.LoseCommitReply(at, committing(r, v));
      case 8 -> new Fault.ResetConnections(at, committing(r, v), 50 + length / 5);
      case 9 -> new Fault.SlowFsync(at, committing(r, v), length, 20 + r.nextInt(300));
      case 12 -> new Fault.RestartMover(at, length);
      case 13 -> new Fault.CutFromMover(at, v, length);
      default -> new Fault.CutFromClient(at, r.nextInt(s.clientSides()), v, length);
    };
  }

  /**
   * A database restart under a live process ({@link Fault.RestartDatabase}) at {@code at}: the
   * victim the primary of a shard one time in three, else any pod (a secondary's replay is the
   * transaction finding 6 lost); down 300-3,300 ms; the transaction in flight lands one time in
   * two.
   */
  private static Fault restart(Random r, long at, Shape s) {
    Fault.Victim v = victim(r, s, r.nextInt(3) == 0);
    return new Fault.RestartDatabase(at, v, 300 + r.nextInt(3_000), r.nextBoolean());
  }

  private static Fault.Victim victim(Random r, Shape s, boolean primary) {
    return new Fault.Victim(r.nextInt(1 << 16), primary, r.nextInt(s.shards()));
  }

  /** A storage fault's victim: the primary two times in three. */
  private static Fault.Victim committing(Random r, Fault.Victim v) {
    return v.primary() ? v : new Fault.Victim(v.pick(), r.nextBoolean(), v.shard());
  }
}
