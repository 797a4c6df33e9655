package io.shardeddb.simulation;

import java.util.List;

/**
 * What a world offers its {@link FaultInjector} to strike and to heal: its pods, shards, operators,
 * the clients' side of the network and, in a world with one, the resharder. The injector resolves a
 * {@link Fault}'s victims through it when the fault's time comes.
 */
interface FaultTargets {
  /** Every pod of every shard now: each shard's in ordinal order, the shards in order. */
  List<SimReplica> pods();

  /** Every replica the world may have, a pod now or not. */
  List<SimReplica> replicas();

  /** The shards, in order. */
  List<String> shards();

  /** The shard {@code replica} belongs to. */
  String shardOf(SimReplica replica);

  /** The pods of {@code shard} now, in ordinal order. */
  List<SimReplica> podsOf(String shard);

  /** The replica {@code shard}'s status records as primary, or null. */
  SimReplica primaryOf(String shard);

  /** The operator's pass of {@code shard}. */
  SimOperator operatorOf(String shard);

  /**
   * The replica count a minority of {@code shard} is counted of, for faults that take data away:
   * the promise covers the loss of a minority only.
   */
  int minorityBase(String shard);

  /** Starts {@code replica} again, unless its pod was removed meanwhile. */
  void restart(SimReplica replica);

  /** The nodes on the clients' side (clients, or the routers they write through). */
  List<String> clientSides();

  /**
   * The client side {@code side} (a client's router, or the router the clients write through) keeps
   * the layout and statuses it has for {@code length} ms, as a router whose informer lost its
   * watch.
   */
  void freezeLayout(String side, long length);

  /**
   * The world's backup store unreachable for {@code length} ms from now (0: reachable again); false
   * (nothing done) in a world without one.
   */
  boolean storeOutage(long length);

  /** The resharder, or null in a world without one. */
  Mover mover();

  /** Notes what struck in the schedule's fault log. */
  void log(String what);

  /** A process of the operator's besides the shards' passes: the resharder. */
  interface Mover {
    String name();

    void crash();

    void start();

    /**
     * {@code act} runs once, with the replica's name, as the resharder's next range fence is sent
     * to it (a source's primary).
     */
    void beforeNextRangeFence(java.util.function.Consumer<String> act);
  }
}
