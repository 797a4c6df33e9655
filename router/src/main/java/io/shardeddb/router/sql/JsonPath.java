package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.JsonValues;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A MySQL JSON path ({@code $}, {@code .key}, {@code ."quoted key"}, {@code [n]}) and what it
 * selects in a stored JSON document, as {@code JSON_EXTRACT}, {@code ->} and {@code ->>} do. Pure.
 * A selected scalar becomes the SQL value it compares as: a string as a String, a number as a
 * BigDecimal, true/false as a Boolean, JSON null and a missing member as NULL; an object or array
 * as its compact JSON text.
 */
record JsonPath(String text, List<Object> steps) {

  /** Parses {@code text}, or a 400 naming what is wrong with it. */
  static JsonPath parse(String text) {
    if (text == null || !text.startsWith("$")) {
      throw bad(text, "it must start with $");
    }
    List<Object> steps = new ArrayList<>();
    int i = 1;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '.') {
        i++;
        if (i < text.length() && text.charAt(i) == '"') {
          int end = text.indexOf('"', i + 1);
          if (end < 0) {
            throw bad(text, "a quoted key is not closed");
          }
          steps.add(text.substring(i + 1, end));
          i = end + 1;
        } else {
          int start = i;
          while (i < text.length()
              && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
            i++;
          }
          if (i == start) {
            throw bad(text, "a key is missing after '.' (wildcards are not supported)");
          }
          steps.add(text.substring(start, i));
        }
      } else if (c == '[') {
        int end = text.indexOf(']', i);
        if (end < 0) {
          throw bad(text, "'[' is not closed");
        }
        try {
          int index = Integer.parseInt(text.substring(i + 1, end).trim());
          if (index < 0) {
            throw bad(text, "an array index must not be negative");
          }
          steps.add(index);
        } catch (NumberFormatException e) {
          throw bad(text, "an array index must be a number (ranges and 'last' are not supported)");
        }
        i = end + 1;
      } else if (Character.isWhitespace(c)) {
        i++;
      } else {
        throw bad(text, "unexpected '" + c + "' at " + i);
      }
    }
    return new JsonPath(text, List.copyOf(steps));
  }

  /** The SQL value this path selects in a stored JSON text (null text: NULL). */
  Object select(Object storedJson) {
    if (!(storedJson instanceof String s)) {
      return null;
    }
    Object at = JsonValues.document(s);
    for (Object step : steps) {
      if (step instanceof String key && at instanceof Map<?, ?> m) {
        at = m.get(key);
      } else if (step instanceof Integer index && at instanceof List<?> l) {
        at = index < l.size() ? l.get(index) : null;
      } else {
        return null;
      }
    }
    return switch (at) {
      case null -> null;
      case String str -> str;
      case Boolean b -> b;
      case Number n -> new BigDecimal(n.toString());
      default -> JsonValues.canonical("json", at);
    };
  }

  private static InvalidRequestException bad(String text, String why) {
    return new InvalidRequestException("invalid JSON path '" + text + "': " + why);
  }
}
