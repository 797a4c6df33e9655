package io.shardeddb.cli.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pure: cuts lines of SQL text into statements as the mysql client does. A statement ends at a
 * {@code ;} outside quotes ({@code '...'}, {@code "..."}, {@code `...`}, with {@code ''} and
 * backslash escapes inside), may span lines, and several may share a line; {@code -- } comments run
 * to the end of their line. Statements come out trimmed, without their {@code ;}; empty ones are
 * dropped.
 */
public final class SqlScript {
  private final StringBuilder pending = new StringBuilder();
  private char quote;

  /** Feeds one line (without its line break); answers the statements it completed, in order. */
  public List<String> line(String line) {
    List<String> done = new ArrayList<>();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        pending.append(c);
        if (c == '\\' && quote != '`' && i + 1 < line.length()) {
          pending.append(line.charAt(++i));
        } else if (c == quote) {
          if (i + 1 < line.length() && line.charAt(i + 1) == quote) {
            pending.append(line.charAt(++i));
          } else {
            quote = 0;
          }
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
        pending.append(c);
      } else if (c == '-'
          && line.startsWith("--", i)
          && (i + 2 == line.length() || Character.isWhitespace(line.charAt(i + 2)))) {
        break;
      } else if (c == ';') {
        take().ifPresent(done::add);
      } else {
        pending.append(c);
      }
    }
    if (quote != 0 || !pending.toString().isBlank()) {
      pending.append('\n');
    } else {
      pending.setLength(0);
    }
    return done;
  }

  /** Whether a statement has begun and not ended (the shell's continuation prompt). */
  public boolean midStatement() {
    return quote != 0 || !pending.toString().isBlank();
  }

  /** At the end of the input: the statement left without its {@code ;}, if any. */
  public Optional<String> end() {
    quote = 0;
    return take();
  }

  private Optional<String> take() {
    String statement = pending.toString().strip();
    pending.setLength(0);
    return statement.isEmpty() ? Optional.empty() : Optional.of(statement);
  }
}
