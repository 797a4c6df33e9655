package io.shardeddb.simulation;

import java.util.List;

/**
 * Strikes a {@link FaultPlan} on a world ({@link FaultTargets}) and heals it: the one definition of
 * what each {@link Fault} kind does, and of the guards that keep a schedule within the promise (a
 * pause strikes a running process only; a lost volume or a rebuild never leaves more than a
 * minority of a shard without its data). Each fault is an event at its time, so a blocking call of
 * the operator's (a simulated thread waiting for an answer) never holds the faults back.
 */
final class FaultInjector {
  private final Scheduler scheduler;
  private final Network network;
  private final FaultTargets world;

  FaultInjector(Scheduler scheduler, Network network, FaultTargets world) {
    this.scheduler = scheduler;
    this.network = network;
    this.world = world;
  }

  /** Every fault of {@code plan} at its time (the network's rates the world sets itself). */
  void schedule(FaultPlan plan) {
    for (Fault f : plan.faults()) {
      scheduler.after(f.at() - scheduler.now(), () -> strike(f));
    }
  }

  /** What {@code fault} does, now. */
  void strike(Fault fault) {
    switch (fault) {
      case Fault.Crash f -> {
        SimReplica v = resolve(f.victim());
        world.log("crash " + v.name() + " for " + f.length());
        v.crash();
        scheduler.after(f.length(), () -> world.restart(v));
      }
      case Fault.Pause f -> {
        SimReplica v = resolve(f.victim());
        // SIGSTOP stops a running process only: a crashed replica paused and then resumed would
        // come back as its dead incarnation (its memory over the disk it had), which no pod does.
        if (network.liveness(v.name()) != Network.Liveness.UP) {
          return;
        }
        world.log("pause " + v.name() + " for " + f.length());
        network.liveness(v.name(), Network.Liveness.PAUSED);
        scheduler.after(
            f.length(),
            () -> {
              if (network.liveness(v.name()) == Network.Liveness.PAUSED) {
                network.liveness(v.name(), Network.Liveness.UP);
              }
            });
      }
      case Fault.Partition f -> {
        SimReplica v = resolve(f.victim());
        SimReplica other = resolve(f.other());
        if (other != v) {
          cut(v.name(), other.name(), f.length());
        }
      }
      case Fault.CutFromOperator f -> {
        SimReplica v = resolve(f.victim());
        cut(v.name(), world.operatorOf(world.shardOf(v)).name(), f.length());
      }
      case Fault.Isolate f -> {
        SimReplica v = resolve(f.victim());
        world.log("isolate " + v.name() + " from its peers for " + f.length());
        for (SimReplica o : world.podsOf(world.shardOf(v))) {
          if (o != v) {
            network.partition(v.name(), o.name());
            scheduler.after(f.length(), () -> network.heal(v.name(), o.name()));
          }
        }
      }
      case Fault.LoseVolume f -> {
        SimReplica v = resolve(f.victim());
        String shard = world.shardOf(v);
        long empty = world.podsOf(shard).stream().filter(x -> x != v && x.holdsNoData()).count();
        if (network.liveness(v.name()) == Network.Liveness.UP && withinAMinority(shard, empty)) {
          world.log("wipe " + v.name() + " and restart it after " + f.length());
          v.crash();
          v.wipe();
          scheduler.after(f.length(), () -> world.restart(v));
        }
      }
      case Fault.RestartOperator f -> {
        SimOperator op = world.operatorOf(shard(f.shard()));
        world.log("restart " + op.name() + " after " + f.length());
        op.crash();
        scheduler.after(f.length(), op::start);
      }
      case Fault.RestartMover f -> {
        FaultTargets.Mover mover = world.mover();
        if (mover == null || network.liveness(mover.name()) != Network.Liveness.UP) {
          return;
        }
        world.log("restart " + mover.name() + " after " + f.length());
        mover.crash();
        scheduler.after(f.length(), mover::start);
      }
      case Fault.CutFromMover f -> {
        if (world.mover() != null) {
          cut(world.mover().name(), resolve(f.victim()).name(), f.length());
        }
      }
      case Fault.LoseCommitReply f -> {
        SimReplica v = resolve(f.victim());
        world.log("lose the next commit reply on " + v.name());
        v.storageFaults().loseNextCommitReply();
      }
      case Fault.RestartDatabase f -> {
        SimReplica v = resolve(f.victim());
        world.log(
            "restart the database of "
                + v.name()
                + " under its live process, down for "
                + f.length()
                + (f.lands() ? ", the COMMIT in flight landing" : ", the COMMIT in flight lost"));
        v.storageFaults().restart(f.length(), f.lands());
        scheduler.after(StorageFaults.IN_FLIGHT_WITHIN, v.storageFaults()::dieIfPending);
      }
      case Fault.StoreOutage f -> {
        if (world.storeOutage(f.length())) {
          world.log("the backup store unreachable for " + f.length());
        }
      }
      case Fault.ResetConnections f -> {
        SimReplica v = resolve(f.victim());
        world.log("reset the database connections of " + v.name() + " for " + f.length());
        v.storageFaults().resetFor(f.length());
      }
      case Fault.SlowFsync f -> {
        SimReplica v = resolve(f.victim());
        world.log(
            "slow fsync (" + f.perCommit() + " ms a commit) on " + v.name() + " for " + f.length());
        v.storageFaults().slowFsync(f.length(), f.perCommit());
      }
      case Fault.CutFromClient f -> {
        List<String> sides = world.clientSides();
        cut(sides.get(f.client() % sides.size()), resolve(f.victim()).name(), f.length());
      }
      case Fault.CutOffThroughACutOver f -> {
        FaultTargets.Mover mover = world.mover();
        if (mover == null) {
          return;
        }
        world.log("at the next range fence, cut a secondary of its source off for " + f.length());
        mover.beforeNextRangeFence(fenced -> cutOffThroughTheCutOver(f, fenced));
      }
      case Fault.RebuildThenCrashPrimary f -> {
        if (!rebuildThenCrashThePrimary(f)) {
          strike(f.otherwise());
        }
      }
    }
  }

  /** Everything heals: the network, the storage, every pod, operator and resharder runs again. */
  void healEverything() {
    world.log("heal everything");
    network.healAll();
    network.faults(Network.Faults.none());
    world.replicas().forEach(rep -> rep.storageFaults().healAll());
    world.storeOutage(0);
    for (SimReplica rep : world.pods()) {
      switch (network.liveness(rep.name())) {
        case DOWN -> world.restart(rep);
        case PAUSED -> network.liveness(rep.name(), Network.Liveness.UP);
        case UP -> {}
      }
    }
    for (String shard : world.shards()) {
      SimOperator op = world.operatorOf(shard);
      if (network.liveness(op.name()) == Network.Liveness.DOWN) {
        op.start();
      }
    }
    FaultTargets.Mover mover = world.mover();
    if (mover != null && network.liveness(mover.name()) == Network.Liveness.DOWN) {
      mover.start();
    }
  }

  /**
   * {@link Fault.CutOffThroughACutOver} as the resharder's range fence goes to {@code fenced} (the
   * source's primary): one of the source's other running pods is cut off from it, and a router
   * keeps its layout, for the fault's length.
   */
  private void cutOffThroughTheCutOver(Fault.CutOffThroughACutOver f, String fenced) {
    SimReplica primary =
        world.pods().stream().filter(p -> p.name().equals(fenced)).findFirst().orElse(null);
    if (primary == null) {
      return;
    }
    List<SimReplica> others =
        world.podsOf(world.shardOf(primary)).stream()
            .filter(p -> p != primary && network.liveness(p.name()) == Network.Liveness.UP)
            .toList();
    if (others.isEmpty()) {
      return;
    }
    SimReplica cut = others.get(f.pick() % others.size());
    List<String> sides = world.clientSides();
    String router = sides.get(f.client() % sides.size());
    world.log(
        "cut "
            + cut.name()
            + " off from its primary "
            + fenced
            + " through the cut-over, and "
            + router
            + " keeps its layout, for "
            + f.length());
    cut(cut.name(), fenced, f.length());
    world.freezeLayout(router, f.length());
  }

  /** Drops everything between {@code a} and {@code b} for {@code length} ms. */
  private void cut(String a, String b, long length) {
    world.log("partition " + a + " from " + b + " for " + length);
    network.partition(a, b);
    scheduler.after(length, () -> network.heal(a, b));
  }

  /** Whether one more replica of {@code shard} without data ({@code empty} now) is a minority. */
  private boolean withinAMinority(String shard, long empty) {
    return empty + 1 <= (world.minorityBase(shard) - 1) / 2;
  }

  private String shard(int index) {
    List<String> shards = world.shards();
    return shards.get(index % shards.size());
  }

  /** The replica {@code v} names now. */
  private SimReplica resolve(Fault.Victim v) {
    if (v.primary()) {
      SimReplica p = world.primaryOf(shard(v.shard()));
      if (p != null) {
        return p;
      }
    }
    List<SimReplica> pods = world.pods();
    return pods.get(v.pick() % pods.size());
  }

  /**
   * The rebuild of {@link Fault.RebuildThenCrashPrimary}: false (nothing done) when the shard has
   * no running primary, no other running replica holding data, or one more replica without data
   * would be more than a minority.
   */
  private boolean rebuildThenCrashThePrimary(Fault.RebuildThenCrashPrimary f) {
    String shard = shard(f.shard());
    SimReplica p = world.primaryOf(shard);
    if (p == null || network.liveness(p.name()) != Network.Liveness.UP) {
      return false;
    }
    List<SimReplica> pods = world.podsOf(shard);
    long empty = pods.stream().filter(SimReplica::holdsNoData).count();
    List<SimReplica> candidates =
        pods.stream()
            .filter(
                x ->
                    x != p && network.liveness(x.name()) == Network.Liveness.UP && !x.holdsNoData())
            .toList();
    if (candidates.isEmpty() || !withinAMinority(shard, empty)) {
      return false;
    }
    SimReplica c = candidates.get(f.pick() % candidates.size());
    world.log(
        "rebuild "
            + c.name()
            + "; crash "
            + p.name()
            + " for "
            + f.down()
            + " once the copy streams");
    network.send(world.operatorOf(shard).name(), c.name(), new Messages.Resync());
    crashOnceCopying(p, c, scheduler.now() + 1_000, f.down());
    return true;
  }

  /** Once {@code c}'s copy streams (until {@code giveUpAt}), {@code p} crashes 20 ms later. */
  private void crashOnceCopying(SimReplica p, SimReplica c, long giveUpAt, long down) {
    scheduler.after(
        1,
        () -> {
          if (!c.disk().copying) {
            if (scheduler.now() < giveUpAt) {
              crashOnceCopying(p, c, giveUpAt, down);
            }
            return;
          }
          scheduler.after(
              20,
              () -> {
                if (network.liveness(p.name()) == Network.Liveness.UP) {
                  world.log("crash " + p.name() + " (" + c.name() + " copying)");
                  p.crash();
                  scheduler.after(down, () -> world.restart(p));
                }
              });
        });
  }
}
