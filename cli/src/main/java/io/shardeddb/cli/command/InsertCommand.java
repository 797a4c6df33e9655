package io.shardeddb.cli.command;

import io.shardeddb.cli.data.DataCommandException;
import io.shardeddb.protocol.lb.WriteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubectl-sdb insert DB JSON_ROW...}: writes rows through the router ({@code /write}). */
@Command(
    name = "insert",
    description = "Insert rows (JSON objects) into a database; all or none are validated first.")
public final class InsertCommand implements Callable<Integer> {
  @Mixin DataOptions options;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "JSON_ROW",
      description = "a row as a JSON object, e.g. '{\"id\":1,\"name\":\"a\"}'")
  List<String> rows;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    List<Map<String, Object>> parsed = new ArrayList<>();
    try {
      for (int i = 0; i < rows.size(); i++) {
        parsed.add(DataOptions.parseRow("row " + (i + 1), rows.get(i)));
      }
    } catch (DataCommandException e) {
      return DataOptions.usage(spec, e.getMessage());
    }
    return options.run(
        spec,
        (router, target, out) -> {
          WriteResponse r = router.write(parsed);
          WriteCommands.print(options, out, r);
          return 0;
        });
  }
}
