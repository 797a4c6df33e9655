package io.shardeddb.helm;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a rendered ValidatingAdmissionPolicy's CEL expressions the way the API server does:
 * every match condition must hold for the policy to apply; the variables are bound under {@code
 * variables}; a validation that is false, or fails to evaluate (failurePolicy Fail), refuses.
 */
final class AdmissionPolicyEvaluator {

  /** What the API server would do with one request. */
  record Decision(boolean matched, List<String> refusals) {
    boolean allowed() {
      return refusals.isEmpty();
    }
  }

  /** Marks a refusal by a validation that could not be evaluated (e.g. on a null object). */
  static final String EVALUATION_FAILED = "(evaluation failed: ";

  private record Named(String name, CelRuntime.Program program) {}

  private final Cel cel;
  private final List<Named> matchConditions = new ArrayList<>();
  private final List<Named> variables = new ArrayList<>();
  private final List<Named> validations = new ArrayList<>();

  AdmissionPolicyEvaluator(ValidatingAdmissionPolicy policy) {
    // object, oldObject and request are untyped (dyn) in the API server for custom resources.
    cel =
        CelFactory.standardCelBuilder()
            // has(), all(), exists() ... as in Kubernetes.
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
            .addVar("object", SimpleType.DYN)
            .addVar("oldObject", SimpleType.DYN)
            .addVar("request", SimpleType.DYN)
            .addVar("variables", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .build();
    var spec = policy.getSpec();
    for (MatchCondition c : spec.getMatchConditions()) {
      matchConditions.add(new Named(c.getName(), compile(c.getExpression())));
    }
    for (Variable v : spec.getVariables()) {
      variables.add(new Named(v.getName(), compile(v.getExpression())));
    }
    for (Validation v : spec.getValidations()) {
      validations.add(new Named(v.getMessage(), compile(v.getExpression())));
    }
  }

  private CelRuntime.Program compile(String expression) {
    try {
      return cel.createProgram(cel.compile(expression).getAst());
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalArgumentException("does not compile: " + expression, e);
    }
  }

  /** The decision on {@code request} changing {@code oldObject} into {@code object}. */
  Decision decide(Map<String, Object> request, Object oldObject, Object object) {
    Map<String, Object> input = new HashMap<>();
    input.put("request", numbersAsLong(request));
    input.put("object", numbersAsLong(object));
    input.put("oldObject", numbersAsLong(oldObject));
    input.put("variables", Map.of());
    for (Named condition : matchConditions) {
      try {
        if (!Boolean.TRUE.equals(condition.program().eval(input))) {
          return new Decision(false, List.of());
        }
      } catch (CelEvaluationException e) {
        // failurePolicy Fail: a match condition that errors refuses the request.
        return new Decision(true, List.of("match condition " + condition.name() + ": " + e));
      }
    }
    Map<String, Object> bound = new LinkedHashMap<>();
    for (Named variable : variables) {
      try {
        bound.put(variable.name(), variable.program().eval(withVariables(input, bound)));
      } catch (CelEvaluationException e) {
        return new Decision(true, List.of("variable " + variable.name() + ": " + e));
      }
    }
    List<String> refusals = new ArrayList<>();
    for (Named validation : validations) {
      try {
        if (!Boolean.TRUE.equals(validation.program().eval(withVariables(input, bound)))) {
          refusals.add(validation.name());
        }
      } catch (CelEvaluationException e) {
        refusals.add(validation.name() + " " + EVALUATION_FAILED + e.getMessage() + ")");
      }
    }
    return new Decision(true, List.copyOf(refusals));
  }

  private static Map<String, Object> withVariables(
      Map<String, Object> input, Map<String, Object> bound) {
    Map<String, Object> copy = new HashMap<>(input);
    copy.put("variables", Map.copyOf(bound));
    return copy;
  }

  /** JSON integers are CEL ints (Java longs); Jackson hands small ones over as Integer. */
  private static Object numbersAsLong(Object value) {
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), numbersAsLong(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(AdmissionPolicyEvaluator::numbersAsLong).toList();
    }
    return value;
  }
}
