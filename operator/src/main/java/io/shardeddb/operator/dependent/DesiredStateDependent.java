package io.shardeddb.operator.dependent;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.shardeddb.api.v1alpha1.ShardedDatabase;

/**
 * A dependent written only when the live object lacks something desired ({@link
 * DesiredStateMatcher}); defaults the server adds do not count as a difference.
 */
abstract class DesiredStateDependent<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, ShardedDatabase> {

  protected DesiredStateDependent(Class<R> type) {
    super(type);
  }

  @Override
  public Matcher.Result<R> match(
      R actual, R desired, ShardedDatabase primary, Context<ShardedDatabase> context) {
    return matchDesired(actual, desired, context);
  }

  /** The comparison itself, for bulk dependents that cannot extend this class. */
  static <R extends HasMetadata> Matcher.Result<R> matchDesired(
      R actual, R desired, Context<ShardedDatabase> context) {
    var serialization = context.getClient().getKubernetesSerialization();
    return Matcher.Result.computed(
        DesiredStateMatcher.matches(
            serialization.convertValue(desired, JsonNode.class),
            serialization.convertValue(actual, JsonNode.class)),
        desired);
  }
}
