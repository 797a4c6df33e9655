package io.shardeddb.cli.command;

import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.cli.data.DataCommandException;
import io.shardeddb.cli.data.RowTable;
import io.shardeddb.cli.data.ShardKeyArgument;
import io.shardeddb.cli.data.StringKeySelect;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.ReadResponse;
import io.shardeddb.protocol.schema.ShardKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb find DB LOW [HIGH]}: reads a key or an inclusive key range — {@code /read} for
 * a Number-keyed first table, a {@code SELECT} on {@code /query} for a String-keyed one ({@link
 * StringKeySelect}; its keys ordered by code point), printed alike.
 */
@Command(
    name = "find",
    description = "Find the row with shard key LOW, or the rows with LOW <= key <= HIGH.")
public final class FindCommand implements Callable<Integer> {
  @Mixin DataOptions options;

  @Parameters(
      index = "1",
      paramLabel = "LOW",
      description = "the lowest shard key: a number, or for a String-keyed table the text as is")
  String low;

  @Parameters(
      index = "2",
      arity = "0..1",
      paramLabel = "HIGH",
      description = "the highest shard key (default: LOW)")
  String high;

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
    String to = high == null ? low : high;
    // Two whole numbers are checked before anything is looked up, as they always were.
    Long lowNumber = ShardKeyArgument.wholeNumber(low);
    Long highNumber = ShardKeyArgument.wholeNumber(to);
    if (lowNumber != null && highNumber != null && highNumber < lowNumber) {
      return DataOptions.usage(spec, "HIGH (" + highNumber + ") is below LOW (" + lowNumber + ")");
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
          Object from;
          Object until;
          try {
            from = ShardKeyArgument.parse(target.schema(), "LOW", low);
            until = ShardKeyArgument.parse(target.schema(), "HIGH", to);
          } catch (DataCommandException e) {
            return DataOptions.usage(spec, e.getMessage());
          }
          if (ShardKeys.compare(until, from) < 0) {
            return DataOptions.usage(
                spec, "HIGH ('" + until + "') is below LOW ('" + from + "') in code-point order");
          }
          ReadResponse r =
              from instanceof String s
                  ? readByQuery(router, target.schema(), s, (String) until, level)
                  : router.read((Long) from, (Long) until, level, session);
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

  /**
   * The rows of a String-keyed table through {@code /query}, in {@code /read}'s shape: the schema's
   * columns only (not the row timestamp a SELECT adds), in key order as the router merges them.
   */
  @SuppressWarnings("unchecked")
  private ReadResponse readByQuery(
      RouterClient router, SchemaSpec schema, String from, String until, ReadConsistency level) {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (level != ReadConsistency.PRIMARY) {
      fields.put("consistency", level.jsonName());
    }
    if (session != null) {
      fields.put("session", session);
    }
    Map<String, Object> reply = router.query(StringKeySelect.of(schema, from, until), fields);
    List<Map<String, Object>> rows =
        ((List<Map<String, Object>>) reply.getOrDefault("data", List.of()))
            .stream().map(row -> columnsOf(schema, row)).toList();
    List<String> shards = (List<String>) reply.getOrDefault("shards_queried", List.of());
    return new ReadResponse(shards, rows, (String) reply.get("status"));
  }

  private static Map<String, Object> columnsOf(SchemaSpec schema, Map<String, Object> row) {
    Map<String, Object> out = new LinkedHashMap<>();
    schema.columns().stream()
        .filter(c -> row.containsKey(c.name()))
        .forEach(c -> out.put(c.name(), row.get(c.name())));
    return out;
  }
}
