package io.shardeddb.cli.command;

import io.shardeddb.cli.data.DataCommandException;
import io.shardeddb.cli.data.ShardKeyArgument;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb delete DB KEY}: deletes the row with shard key KEY ({@code /del}); KEY is a
 * number or a string, as the first table's shard key is ({@link ShardKeyArgument}).
 */
@Command(name = "delete", description = "Delete the row whose shard key is KEY.")
public final class DeleteCommand implements Callable<Integer> {
  @Mixin DataOptions options;

  @Parameters(
      index = "1",
      paramLabel = "KEY",
      description = "the row's shard key: a number, or for a String-keyed table the text as is")
  String key;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return options.run(
        spec,
        (writes, target, out) -> {
          Object value;
          try {
            value = ShardKeyArgument.parse(target.schema(), "KEY", key);
          } catch (DataCommandException e) {
            return DataOptions.usage(spec, e.getMessage());
          }
          WriteCommands.print(options, out, writes.delete(value));
          return 0;
        });
  }
}
