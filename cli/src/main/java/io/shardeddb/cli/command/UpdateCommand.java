package io.shardeddb.cli.command;

import io.shardeddb.cli.data.DataCommandException;
import io.shardeddb.cli.data.ShardKeyArgument;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb update DB KEY JSON_ROW}: replaces the row with shard key KEY ({@code
 * /update}); KEY is a number or a string, as the first table's shard key is ({@link
 * ShardKeyArgument}).
 */
@Command(name = "update", description = "Replace the row whose shard key is KEY.")
public final class UpdateCommand implements Callable<Integer> {
  @Mixin DataOptions options;

  @Parameters(
      index = "1",
      paramLabel = "KEY",
      description = "the row's shard key: a number, or for a String-keyed table the text as is")
  String key;

  @Parameters(
      index = "2",
      paramLabel = "JSON_ROW",
      description = "the new row as a JSON object (the shard key may repeat KEY)")
  String row;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Map<String, Object> parsed;
    try {
      parsed = DataOptions.parseRow("JSON_ROW", row);
    } catch (DataCommandException e) {
      return DataOptions.usage(spec, e.getMessage());
    }
    return options.run(
        spec,
        (writes, target, out) -> {
          Object value;
          try {
            value = ShardKeyArgument.parse(target.schema(), "KEY", key);
          } catch (DataCommandException e) {
            return DataOptions.usage(spec, e.getMessage());
          }
          WriteCommands.print(options, out, writes.update(value, parsed));
          return 0;
        });
  }
}
