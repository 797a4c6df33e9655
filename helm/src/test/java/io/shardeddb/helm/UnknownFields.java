package io.shardeddb.helm;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Finds fields a fabric8 model class did not recognise. fabric8 parses leniently and keeps unknown
 * keys in {@code additionalProperties}, so a misspelt {@code contaners:} would otherwise "parse".
 */
final class UnknownFields {

  private static final int MAX_DEPTH = 64;

  private UnknownFields() {}

  /** Paths of unrecognised keys (and of values a model getter rejects), in a stable order. */
  static List<String> in(Object model) {
    List<String> found = new ArrayList<>();
    walk(model, "", found, 0);
    return found.stream().sorted().toList();
  }

  private static void walk(Object value, String path, List<String> found, int depth) {
    if (value == null || depth > MAX_DEPTH) {
      return;
    }
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), path + "[" + i + "]", found, depth + 1);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((key, child) -> walk(child, path + "." + key, found, depth + 1));
      return;
    }
    if (!isModel(value.getClass())) {
      return;
    }
    List<Method> getters =
        List.of(value.getClass().getMethods()).stream()
            .filter(UnknownFields::isGetter)
            .sorted(Comparator.comparing(Method::getName))
            .toList();
    for (Method getter : getters) {
      Object child;
      try {
        child = getter.invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        found.add(path + "." + getter.getName() + "(): " + rootMessage(e));
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties") && child instanceof Map<?, ?> extra) {
        if (!extra.isEmpty()) {
          found.add((path.isEmpty() ? "." : path) + " has unknown fields " + extra.keySet());
        }
        continue;
      }
      walk(child, path + "." + propertyName(getter), found, depth + 1);
    }
  }

  private static boolean isModel(Class<?> type) {
    String name = type.getName();
    return name.startsWith("io.fabric8.kubernetes.api.model.")
        || name.startsWith("io.fabric8.openshift.api.model.");
  }

  private static boolean isGetter(Method method) {
    return method.getParameterCount() == 0
        && !Modifier.isStatic(method.getModifiers())
        && method.getName().startsWith("get")
        && method.getDeclaringClass() != Object.class;
  }

  private static String propertyName(Method getter) {
    String name = getter.getName().substring(3);
    return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.toString();
  }
}
