package io.shardeddb.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wide records' Builders name every component: a fully populated record survives {@code
 * toBuilder().build()}, and each setter sets its own component and no other. Found by reflection,
 * so a component added to a record without its line in the Builder fails here.
 */
class RecordBuildersTest {

  static Stream<Class<? extends Record>> recordsWithBuilders() {
    return Stream.of(ShardedDatabaseSpec.class, ShardedDatabaseStatus.class, ShardStatus.class);
  }

  @ParameterizedTest
  @MethodSource("recordsWithBuilders")
  void toBuilderThenBuildKeepsEveryComponent(Class<? extends Record> type)
      throws ReflectiveOperationException {
    Record full = fullyPopulated(type);
    for (RecordComponent c : type.getRecordComponents()) {
      assertThat(c.getAccessor().invoke(full)).as("sample for %s", c.getName()).isNotNull();
    }

    Record copy = build(type.getMethod("toBuilder").invoke(full));

    for (RecordComponent c : type.getRecordComponents()) {
      assertThat(c.getAccessor().invoke(copy))
          .as("%s.%s after toBuilder().build()", type.getSimpleName(), c.getName())
          .isEqualTo(c.getAccessor().invoke(full));
    }
    assertThat(copy).isEqualTo(full);
  }

  @ParameterizedTest
  @MethodSource("recordsWithBuilders")
  void eachSetterSetsItsOwnComponentOnly(Class<? extends Record> type)
      throws ReflectiveOperationException {
    Record full = fullyPopulated(type);
    Method empty = type.getMethod("builder");
    Method toBuilder = type.getMethod("toBuilder");
    assertThat(build(empty.invoke(null))).isEqualTo(construct(type, nulls(type)));
    for (RecordComponent c : type.getRecordComponents()) {
      Object value = c.getAccessor().invoke(full);
      Method setter = empty.getReturnType().getMethod(c.getName(), c.getType());
      Record one = build(setter.invoke(empty.invoke(null), value));
      Record allButOne = build(setter.invoke(toBuilder.invoke(full), (Object) null));
      for (RecordComponent other : type.getRecordComponents()) {
        boolean same = other.getName().equals(c.getName());
        assertThat(other.getAccessor().invoke(one))
            .as("builder().%s(...): component %s", c.getName(), other.getName())
            .isEqualTo(same ? value : null);
        assertThat(other.getAccessor().invoke(allButOne))
            .as("toBuilder().%s(null): component %s", c.getName(), other.getName())
            .isEqualTo(same ? null : other.getAccessor().invoke(full));
      }
    }
  }

  private static Record build(Object builder) throws ReflectiveOperationException {
    return (Record) builder.getClass().getMethod("build").invoke(builder);
  }

  /** Null for every component (zero or false where it is primitive). */
  private static Object[] nulls(Class<?> record) {
    RecordComponent[] parts = record.getRecordComponents();
    Object[] args = new Object[parts.length];
    for (int i = 0; i < parts.length; i++) {
      Class<?> t = parts[i].getType();
      args[i] = !t.isPrimitive() ? null : t == boolean.class ? false : t == long.class ? 0L : 0;
    }
    return args;
  }

  /** The record built by its canonical constructor. */
  private static <T> T construct(Class<T> record, Object[] args)
      throws ReflectiveOperationException {
    RecordComponent[] parts = record.getRecordComponents();
    Class<?>[] types = new Class<?>[parts.length];
    for (int i = 0; i < parts.length; i++) {
      types[i] = parts[i].getType();
    }
    Constructor<T> canonical = record.getDeclaredConstructor(types);
    return canonical.newInstance(args);
  }

  /**
   * A record whose every component is set, through the canonical constructor; components of the
   * same type get different values, so a Builder that swaps two of them fails too.
   */
  private static Record fullyPopulated(Class<? extends Record> type)
      throws ReflectiveOperationException {
    RecordComponent[] parts = type.getRecordComponents();
    Object[] args = new Object[parts.length];
    for (int i = 0; i < parts.length; i++) {
      args[i] = sample(parts[i].getType(), i);
    }
    return construct(type, args);
  }

  /**
   * A non-null value of this type, distinct per {@code i}: a record of nulls, an enum's constant.
   */
  private static Object sample(Class<?> type, int i) throws ReflectiveOperationException {
    if (type == Integer.class) {
      return 100 + i;
    } else if (type == Long.class) {
      return 200L + i;
    } else if (type == String.class) {
      return "sample-" + i;
    } else if (type == List.class) {
      return List.of("sample-" + i);
    } else if (type == Map.class) {
      return Map.of("server-" + i, List.of("sh1"));
    } else if (type.isEnum()) {
      return type.getEnumConstants()[type.getEnumConstants().length - 1];
    } else if (type.isRecord()) {
      return Objects.requireNonNull(construct(type, nulls(type)));
    }
    throw new AssertionError("no sample for " + type + "; add one to this test");
  }
}
