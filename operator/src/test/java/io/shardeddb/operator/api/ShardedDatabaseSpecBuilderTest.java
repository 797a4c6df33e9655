package io.shardeddb.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The spec's Builder names every component: a fully populated spec survives {@code
 * toBuilder().build()}, and each setter sets its own component and no other. Found by reflection,
 * so a component added to the record without its line in the Builder fails here.
 */
class ShardedDatabaseSpecBuilderTest {

  @Test
  void toBuilderThenBuildKeepsEveryComponent() throws ReflectiveOperationException {
    ShardedDatabaseSpec full = fullyPopulated();
    for (RecordComponent c : components()) {
      assertThat(c.getAccessor().invoke(full)).as("sample for %s", c.getName()).isNotNull();
    }

    ShardedDatabaseSpec copy = full.toBuilder().build();

    for (RecordComponent c : components()) {
      assertThat(c.getAccessor().invoke(copy))
          .as("component %s after toBuilder().build()", c.getName())
          .isEqualTo(c.getAccessor().invoke(full));
    }
    assertThat(copy).isEqualTo(full);
  }

  @Test
  void eachSetterSetsItsOwnComponentOnly() throws ReflectiveOperationException {
    ShardedDatabaseSpec full = fullyPopulated();
    assertThat(ShardedDatabaseSpec.builder().build())
        .isEqualTo(construct(ShardedDatabaseSpec.class, nulls(ShardedDatabaseSpec.class)));
    for (RecordComponent c : components()) {
      Object value = c.getAccessor().invoke(full);
      Method setter = ShardedDatabaseSpec.Builder.class.getMethod(c.getName(), c.getType());
      ShardedDatabaseSpec one =
          ((ShardedDatabaseSpec.Builder) setter.invoke(ShardedDatabaseSpec.builder(), value))
              .build();
      ShardedDatabaseSpec allButOne =
          ((ShardedDatabaseSpec.Builder) setter.invoke(full.toBuilder(), (Object) null)).build();
      for (RecordComponent other : components()) {
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

  private static RecordComponent[] components() {
    return ShardedDatabaseSpec.class.getRecordComponents();
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

  /** A spec whose every component is set, through the canonical constructor. */
  private static ShardedDatabaseSpec fullyPopulated() throws ReflectiveOperationException {
    List<Object> args = new ArrayList<>();
    for (RecordComponent c : components()) {
      args.add(sample(c.getType()));
    }
    return construct(ShardedDatabaseSpec.class, args.toArray());
  }

  /** A non-null value of this type: a record of nulls, an enum's first constant, and so on. */
  private static Object sample(Class<?> type) throws ReflectiveOperationException {
    if (type == Integer.class) {
      return 5;
    } else if (type == String.class) {
      return "sample";
    } else if (type == List.class) {
      return List.of("sample");
    } else if (type == Map.class) {
      return Map.of("server", List.of("sh1"));
    } else if (type.isEnum()) {
      return type.getEnumConstants()[type.getEnumConstants().length - 1];
    } else if (type.isRecord()) {
      return Objects.requireNonNull(construct(type, nulls(type)));
    }
    throw new AssertionError("no sample for " + type + "; add one to this test");
  }
}
