package io.shardeddb.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Server-side printing of custom resources, as kube-apiserver does it for kubectl: objects become a
 * {@code meta.k8s.io/v1} Table whose columns are Name and the CRD's additionalPrinterColumns. Pure:
 * the clock comes in as {@code now}.
 */
final class TableView {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** One additionalPrinterColumn of a CRD version. */
  record Column(
      String name, String type, String format, String description, int priority, String jsonPath) {}

  /** kube-apiserver's columns for a CRD that declares none. */
  static final List<Column> DEFAULT_COLUMNS =
      List.of(
          new Column(
              "Age",
              "date",
              "",
              "CreationTimestamp is a timestamp representing the server time when this object was"
                  + " created.",
              0,
              ".metadata.creationTimestamp"));

  private TableView() {}

  /**
   * Whether an {@code Accept} header asks for a {@code meta.k8s.io/v1} Table (kubectl's {@code get}
   * offers {@code application/json;as=Table;v=v1;g=meta.k8s.io} first).
   */
  static boolean wanted(String accept) {
    if (accept == null) {
      return false;
    }
    for (String type : accept.split(",")) {
      List<String> params = new ArrayList<>();
      for (String p : type.split(";")) {
        params.add(p.trim().replace(" ", ""));
      }
      if (params.contains("as=Table")
          && params.contains("g=meta.k8s.io")
          && params.contains("v=v1")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The Table of {@code objects}. {@code includeObject} is the request's parameter: {@code None},
   * {@code Object} or (the default) {@code Metadata}.
   */
  static ObjectNode table(
      List<Column> columns,
      List<JsonNode> objects,
      String resourceVersion,
      String includeObject,
      Instant now) {
    List<Column> shown = columns.isEmpty() ? DEFAULT_COLUMNS : columns;
    ObjectNode table = JSON.objectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode metadata = table.putObject("metadata");
    if (resourceVersion != null && !resourceVersion.isEmpty()) {
      metadata.put("resourceVersion", resourceVersion);
    }
    ArrayNode definitions = table.putArray("columnDefinitions");
    definitions.add(
        definition(
            new Column(
                "Name",
                "string",
                "name",
                "Name must be unique within a namespace.",
                0,
                ".metadata.name")));
    shown.forEach(c -> definitions.add(definition(c)));
    ArrayNode rows = table.putArray("rows");
    for (JsonNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(object.path("metadata").path("name").asText(""));
      for (Column c : shown) {
        cells.add(cell(c.type(), find(object, c.jsonPath()), now));
      }
      if ("Object".equals(includeObject)) {
        row.set("object", object);
      } else if (!"None".equals(includeObject)) {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", object.path("metadata"));
      }
    }
    return table;
  }

  private static ObjectNode definition(Column c) {
    ObjectNode d = JSON.objectNode();
    d.put("name", c.name());
    d.put("type", c.type());
    d.put("format", c.format() == null ? "" : c.format());
    d.put("description", c.description() == null ? "" : c.description());
    d.put("priority", c.priority());
    return d;
  }

  /** A cell as apiextensions' table convertor makes it: typed, or null when the path is empty. */
  private static JsonNode cell(String type, Optional<JsonNode> value, Instant now) {
    if (value.isEmpty() || value.get().isNull() || value.get().isMissingNode()) {
      return JSON.nullNode();
    }
    JsonNode v = value.get();
    return switch (type) {
      case "integer" ->
          v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))
              ? JSON.numberNode(v.asLong())
              : JSON.nullNode();
      case "number" -> v.isNumber() ? v : JSON.nullNode();
      case "boolean" -> v.isBoolean() ? v : JSON.nullNode();
      case "date" -> {
        if (!v.isTextual()) {
          yield JSON.nullNode();
        }
        try {
          yield JSON.textNode(humanDuration(Duration.between(Instant.parse(v.asText()), now)));
        } catch (DateTimeParseException e) {
          yield JSON.textNode("<invalid>");
        }
      }
      default -> JSON.textNode(v.isValueNode() ? v.asText() : v.toString());
    };
  }

  /** Kubernetes' {@code duration.HumanDuration}: {@code 45s}, {@code 3m20s}, {@code 5h}, ... */
  static String humanDuration(Duration d) {
    long seconds = d.getSeconds();
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }

  /**
   * The first value of a printer column's JSONPath in {@code root}: the simple forms CRDs use —
   * fields ({@code .a.b}, {@code ['a']}), indexes ({@code [0]}) and equality filters ({@code
   * [?(@.type=="Ready")]}).
   */
  static Optional<JsonNode> find(JsonNode root, String path) {
    List<JsonNode> current = List.of(root);
    int i = 0;
    while (i < path.length() && !current.isEmpty()) {
      char c = path.charAt(i);
      List<JsonNode> next = new ArrayList<>();
      if (c == '.') {
        int end = i + 1;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
          end++;
        }
        String field = path.substring(i + 1, end);
        current.forEach(n -> addIfPresent(next, n.get(field)));
        i = end;
      } else if (c == '[' && path.startsWith("[?(", i)) {
        int end = path.indexOf(")]", i);
        if (end < 0) {
          return Optional.empty();
        }
        String filter = path.substring(i + 3, end).trim();
        for (JsonNode n : current) {
          n.forEach(
              element -> {
                if (matches(element, filter)) {
                  next.add(element);
                }
              });
        }
        i = end + 2;
      } else if (c == '[') {
        int end = path.indexOf(']', i);
        if (end < 0) {
          return Optional.empty();
        }
        String key = path.substring(i + 1, end).trim();
        if (key.startsWith("'") || key.startsWith("\"")) {
          String field = key.substring(1, key.length() - 1);
          current.forEach(n -> addIfPresent(next, n.get(field)));
        } else if (key.equals("*")) {
          current.forEach(n -> n.forEach(next::add));
        } else {
          try {
            int index = Integer.parseInt(key);
            current.forEach(n -> addIfPresent(next, n.get(index)));
          } catch (NumberFormatException e) {
            return Optional.empty();
          }
        }
        i = end + 1;
      } else {
        return Optional.empty();
      }
      current = next;
    }
    return current.stream().findFirst();
  }

  private static void addIfPresent(List<JsonNode> into, JsonNode node) {
    if (node != null && !node.isMissingNode()) {
      into.add(node);
    }
  }

  /** {@code @.a.b=="v"} (or single quotes); anything else matches nothing. */
  private static boolean matches(JsonNode element, String filter) {
    int eq = filter.indexOf("==");
    if (!filter.startsWith("@") || eq < 0) {
      return false;
    }
    String left = filter.substring(1, eq).trim();
    String right = filter.substring(eq + 2).trim();
    if (right.length() >= 2
        && (right.startsWith("\"") && right.endsWith("\"")
            || right.startsWith("'") && right.endsWith("'"))) {
      right = right.substring(1, right.length() - 1);
    }
    String expected = right;
    return find(element, left).map(v -> v.asText().equals(expected)).orElse(false);
  }
}
