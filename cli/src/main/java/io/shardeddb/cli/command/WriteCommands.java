package io.shardeddb.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.shardeddb.protocol.lb.WriteResponse;
import java.io.PrintWriter;

/** How insert, update and delete report the router's answer. */
final class WriteCommands {
  private WriteCommands() {}

  static void print(DataOptions options, PrintWriter out, WriteResponse r)
      throws JsonProcessingException {
    if (DataOptions.printStructured(out, options.output, r)) {
      return;
    }
    out.println(r.message());
    if (r.session() != null) {
      out.println("session: " + r.session());
    }
  }
}
