package io.shardeddb.operator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The methods (and constructors) of a Java source file with the lines each spans, from its first
 * header line to its closing brace. A brace scanner over the text with strings, characters and
 * comments blanked, not a parser: enough for code Spotless keeps in google-java-format. Methods of
 * anonymous classes and lambdas count as part of the method that holds them.
 */
final class MethodLengths {

  /** A method: its name and its first and last line (1-based). */
  record Method(String name, int firstLine, int lastLine) {
    int lines() {
      return lastLine - firstLine + 1;
    }
  }

  private static final Pattern TYPE = Pattern.compile("\\b(class|interface|enum|record)\\s+\\w+");
  private static final Pattern CALL = Pattern.compile("(\\w+)\\s*\\($");

  private MethodLengths() {}

  static List<Method> of(String source) {
    String code = blank(source);
    List<Method> methods = new ArrayList<>();
    Deque<Integer> typeBodies = new ArrayDeque<>(); // depths inside a type's braces
    Deque<Method> open = new ArrayDeque<>();
    Deque<Integer> openDepth = new ArrayDeque<>();
    StringBuilder header = new StringBuilder();
    int headerLine = -1;
    int depth = 0;
    int line = 1;
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '\n') {
        line++;
      }
      if (c == '{') {
        String h = withoutAnnotations(header.toString()).strip();
        if (typeBodies.isEmpty() || typeBodies.peek() == depth) {
          if (isType(h)) {
            typeBodies.push(depth + 1);
          } else if (!typeBodies.isEmpty() && isMethod(h)) {
            open.push(new Method(name(h), headerLine, -1));
            openDepth.push(depth);
          }
        }
        depth++;
        header.setLength(0);
        headerLine = -1;
      } else if (c == '}') {
        depth--;
        if (!typeBodies.isEmpty() && typeBodies.peek() == depth + 1) {
          typeBodies.pop();
        }
        if (!openDepth.isEmpty() && openDepth.peek() == depth) {
          Method m = open.pop();
          openDepth.pop();
          methods.add(new Method(m.name(), m.firstLine(), line));
        }
        header.setLength(0);
        headerLine = -1;
      } else if (c == ';') {
        header.setLength(0);
        headerLine = -1;
      } else {
        if (headerLine < 0 && !Character.isWhitespace(c)) {
          headerLine = line;
        }
        header.append(c);
      }
    }
    return methods;
  }

  /** A type's header: a type keyword and name before any parameter list. */
  private static boolean isType(String h) {
    int paren = h.indexOf('(');
    return TYPE.matcher(paren < 0 ? h : h.substring(0, paren)).find();
  }

  /** A header with a parameter list before any {@code =} and not a type's. */
  private static boolean isMethod(String h) {
    int paren = h.indexOf('(');
    return paren >= 0 && !h.substring(0, paren).contains("=") && !isType(h);
  }

  /** The header without its annotations (and their arguments, parentheses balanced). */
  static String withoutAnnotations(String h) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < h.length()) {
      char c = h.charAt(i);
      if (c != '@' || h.startsWith("@interface", i)) {
        out.append(c);
        i++;
        continue;
      }
      i++;
      while (i < h.length()
          && (Character.isJavaIdentifierPart(h.charAt(i)) || h.charAt(i) == '.')) {
        i++;
      }
      int j = i;
      while (j < h.length() && Character.isWhitespace(h.charAt(j))) {
        j++;
      }
      if (j < h.length() && h.charAt(j) == '(') {
        int open = 0;
        do {
          open += h.charAt(j) == '(' ? 1 : h.charAt(j) == ')' ? -1 : 0;
          j++;
        } while (j < h.length() && open > 0);
        i = j;
      }
      out.append(' ');
    }
    return out.toString();
  }

  private static String name(String h) {
    var m = CALL.matcher(h.substring(0, h.indexOf('(') + 1).strip());
    return m.find() ? m.group(1) : h.strip();
  }

  /** The source with comments, strings and character literals blanked (newlines kept). */
  static String blank(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (s.startsWith("//", i)) {
        while (i < s.length() && s.charAt(i) != '\n') {
          out.append(' ');
          i++;
        }
      } else if (s.startsWith("/*", i)) {
        int end = s.indexOf("*/", i + 2);
        end = end < 0 ? s.length() : end + 2;
        keepNewlines(s, i, end, out);
        i = end;
      } else if (s.startsWith("\"\"\"", i)) {
        int end = s.indexOf("\"\"\"", i + 3);
        end = end < 0 ? s.length() : end + 3;
        keepNewlines(s, i, end, out);
        i = end;
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != c) {
          j += s.charAt(j) == '\\' ? 2 : 1;
        }
        keepNewlines(s, i, Math.min(j + 1, s.length()), out);
        i = j + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static void keepNewlines(String s, int from, int to, StringBuilder out) {
    for (int k = from; k < to; k++) {
      out.append(s.charAt(k) == '\n' ? '\n' : ' ');
    }
  }
}
