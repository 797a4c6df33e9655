package io.shardeddb.cli.command;

import picocli.CommandLine.Command;

/** {@code kubectl-sdb local ...}: the simulated cluster on this machine. */
@Command(
    name = "local",
    description = "Run ShardedDB on this machine, without a cluster or a container engine.",
    subcommands = {
      LocalUpCommand.class,
      LocalKillCommand.class,
      LocalDeletePodCommand.class,
      LocalPauseCommand.class,
      LocalResumeCommand.class,
      LocalPartitionCommand.class,
      LocalHealCommand.class,
      LocalThrottleCommand.class,
      LocalUnthrottleCommand.class,
      LocalBookingCommand.class
    })
public final class LocalCommand {}
