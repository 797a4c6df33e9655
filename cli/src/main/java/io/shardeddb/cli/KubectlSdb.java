package io.shardeddb.cli;

import io.shardeddb.cli.command.BackupCommand;
import io.shardeddb.cli.command.ClusterErrors;
import io.shardeddb.cli.command.CompletionCommand;
import io.shardeddb.cli.command.DeleteCommand;
import io.shardeddb.cli.command.DestroyCommand;
import io.shardeddb.cli.command.ElectCommand;
import io.shardeddb.cli.command.FenceCommand;
import io.shardeddb.cli.command.FindCommand;
import io.shardeddb.cli.command.HibernateCommand;
import io.shardeddb.cli.command.HumanDuration;
import io.shardeddb.cli.command.InsertCommand;
import io.shardeddb.cli.command.LocalCommand;
import io.shardeddb.cli.command.LogsCommand;
import io.shardeddb.cli.command.PromoteCommand;
import io.shardeddb.cli.command.QuorumCommand;
import io.shardeddb.cli.command.RebuildCommand;
import io.shardeddb.cli.command.ReportCommand;
import io.shardeddb.cli.command.RestartCommand;
import io.shardeddb.cli.command.RestoreCommand;
import io.shardeddb.cli.command.RestorePointCommand;
import io.shardeddb.cli.command.SqlCommand;
import io.shardeddb.cli.command.StatusCommand;
import io.shardeddb.cli.command.UpdateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kubectl-sdb}: the ShardedDB kubectl plugin. {@code --help} and {@code --version} reach
 * every verb ({@code scope = INHERIT}); an expected failure to use the cluster that a verb lets
 * escape is one {@code error:} line and exit code 1 ({@link ClusterErrors}).
 */
@Command(
    name = "kubectl-sdb",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    versionProvider = KubectlSdb.Version.class,
    description = "ShardedDB: run locally, inspect and operate sharded databases.",
    subcommands = {
      LocalCommand.class,
      StatusCommand.class,
      ReportCommand.class,
      LogsCommand.class,
      InsertCommand.class,
      FindCommand.class,
      UpdateCommand.class,
      DeleteCommand.class,
      SqlCommand.class,
      PromoteCommand.class,
      QuorumCommand.class,
      ElectCommand.class,
      RebuildCommand.class,
      RestartCommand.class,
      DestroyCommand.class,
      FenceCommand.Fence.class,
      FenceCommand.Unfence.class,
      HibernateCommand.Hibernate.class,
      HibernateCommand.Resume.class,
      BackupCommand.class,
      RestorePointCommand.class,
      RestoreCommand.class,
      CompletionCommand.class,
      CompletionCommand.Candidates.class
    })
public final class KubectlSdb {
  /** The build's version (pom.xml), from the resource the build writes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws java.io.IOException {
      java.util.Properties p = new java.util.Properties();
      try (var in = KubectlSdb.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"kubectl-sdb " + p.getProperty("version", "unknown")};
    }
  }

  /** The plugin's command line, as {@link #main} runs it (tests run the same one). */
  public static CommandLine commandLine() {
    return new CommandLine(new KubectlSdb())
        .setExecutionExceptionHandler(new ClusterErrors.Handler())
        .registerConverter(java.time.Duration.class, new HumanDuration());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
