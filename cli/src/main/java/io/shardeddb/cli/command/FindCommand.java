package io.shardeddb.cli.command;

import io.shardeddb.cli.data.RowTable;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.ReadResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb find DB LOW [HIGH]}: reads a key or an inclusive key range ({@code /read}).
 */
@Command(
    name = "find",
    description = "Find the row with shard key LOW, or the rows with LOW <= key <= HIGH.")
public final class FindCommand implements Callable<Integer> {
  @Mixin DataOptions options;

  @Parameters(index = "1", paramLabel = "LOW", description = "the lowest shard key")
  long low;

  @Parameters(
      index = "2",
      arity = "0..1",
      paramLabel = "HIGH",
      description = "the highest shard key (default: LOW)")
  Long high;

  @Option(
      names = "--consistency",
      defaultValue = "primary",
      description =
          "primary (default), session, any or bounded (within the database's maxStaleness)")
  String consistency;

  @Option(names = "--session", description = "a write's session token, for --consistency session")
  String session;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    long to = high == null ? low : high;
    if (to < low) {
      return DataOptions.usage(spec, "HIGH (" + to + ") is below LOW (" + low + ")");
    }
    ReadConsistency level;
    try {
      level = ReadConsistency.parse(consistency);
    } catch (InvalidRequestException e) {
      return DataOptions.usage(spec, e.getMessage());
    }
    return options.run(
        spec,
        (router, target, out) -> {
          ReadResponse r = router.read(low, to, level, session);
          if (!DataOptions.printStructured(out, options.output, r)) {
            out.print(RowTable.render(DataOptions.columns(target), r.data()));
            out.println(
                "("
                    + r.data().size()
                    + (r.data().size() == 1 ? " row" : " rows")
                    + " from "
                    + String.join(", ", r.shardsQueried())
                    + ")");
          }
          return 0;
        });
  }
}
