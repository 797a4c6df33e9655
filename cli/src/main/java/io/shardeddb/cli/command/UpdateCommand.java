package io.shardeddb.cli.command;

import io.shardeddb.cli.data.DataCommandException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubectl-sdb update DB KEY JSON_ROW}: replaces the row with shard key KEY. */
@Command(name = "update", description = "Replace the row whose shard key is KEY.")
public final class UpdateCommand implements Callable<Integer> {
  @Mixin DataOptions options;

  @Parameters(index = "1", paramLabel = "KEY", description = "the row's shard key")
  long key;

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
        (router, target, out) -> {
          WriteCommands.print(options, out, router.update(key, parsed));
          return 0;
        });
  }
}
