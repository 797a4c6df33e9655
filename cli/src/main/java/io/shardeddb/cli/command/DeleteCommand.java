package io.shardeddb.cli.command;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubectl-sdb delete DB KEY}: deletes the row with shard key KEY ({@code /del}). */
@Command(name = "delete", description = "Delete the row whose shard key is KEY.")
public final class DeleteCommand implements Callable<Integer> {
  @Mixin DataOptions options;

  @Parameters(index = "1", paramLabel = "KEY", description = "the row's shard key")
  long key;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return options.run(
        spec,
        (router, target, out) -> {
          WriteCommands.print(options, out, router.delete(key));
          return 0;
        });
  }
}
