package io.shardeddb.api.crd;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.CustomResource;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackup;
import java.io.File;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Generates the CRDs from the v1alpha1 classes at build time (the api module's process-classes, by
 * exec:java; fabric8's crd-generator does the schema), then finishes what the generator leaves out:
 *
 * <ul>
 *   <li>printer columns in the order the resource class declares them (the generator sorts them by
 *       JSON path, which put Age first), so {@code kubectl get} shows Age last as every built-in
 *       kind does;
 *   <li>the description of the schema's root, {@code spec} and {@code status}: each class's {@link
 *       JsonClassDescription} (the generator reads descriptions only from properties).
 * </ul>
 *
 * <p>Build-time only: the crd-generator is a provided dependency, absent at run time, and nothing
 * else calls this class.
 */
public final class CrdGeneration {

  /** The resources whose CRDs the build writes. */
  static final List<Class<? extends CustomResource<?, ?>>> RESOURCES =
      List.of(ShardedDatabase.class, ShardedDatabaseBackup.class);

  private CrdGeneration() {}

  /** Writes every CRD into the directory given as the one argument. */
  public static void main(String[] args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: CrdGeneration <output directory>");
    }
    File out = new File(args[0]);
    if (!out.isDirectory() && !out.mkdirs()) {
      throw new IllegalStateException("cannot create " + out);
    }
    new CRDGenerator()
        .customResourceClasses(List.copyOf(RESOURCES))
        .withParallelGenerationEnabled(false)
        .withPostProcessor(new Finishing(RESOURCES))
        .inOutputDir(out)
        .detailedGenerate();
  }

  /** The post-processing: column order and the three descriptions, looked up by the CRD's kind. */
  static final class Finishing implements CRDPostProcessor {
    private final Map<String, Class<? extends CustomResource<?, ?>>> byKind;

    Finishing(List<Class<? extends CustomResource<?, ?>>> resources) {
      this.byKind =
          resources.stream()
              .collect(Collectors.toMap(c -> HasMetadata.getKind(c), Function.identity()));
    }

    @Override
    public HasMetadata process(HasMetadata resource, String crdSpecVersion) {
      if (!(resource instanceof CustomResourceDefinition crd)) {
        return resource;
      }
      Class<? extends CustomResource<?, ?>> type = byKind.get(crd.getSpec().getNames().getKind());
      if (type == null) {
        return resource;
      }
      for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
        version.setAdditionalPrinterColumns(
            declaredOrder(type, version.getAdditionalPrinterColumns()));
        JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
        root.setDescription(description(type));
        describe(root, "spec", argument(type, 0));
        describe(root, "status", argument(type, 1));
      }
      return crd;
    }

    /** The columns in the order of the class's annotations; any other column after them. */
    static List<CustomResourceColumnDefinition> declaredOrder(
        Class<?> type, List<CustomResourceColumnDefinition> columns) {
      List<String> declared =
          Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
              .map(AdditionalPrinterColumn::jsonPath)
              .toList();
      List<CustomResourceColumnDefinition> ordered = new ArrayList<>(columns);
      ordered.sort(
          (a, b) ->
              Integer.compare(rank(declared, a.getJsonPath()), rank(declared, b.getJsonPath())));
      return ordered;
    }

    private static int rank(List<String> declared, String jsonPath) {
      int i = declared.indexOf(jsonPath);
      return i < 0 ? declared.size() : i;
    }

    private static void describe(JSONSchemaProps root, String property, Class<?> type) {
      JSONSchemaProps props = root.getProperties().get(property);
      if (props == null) {
        throw new IllegalStateException("the schema has no " + property);
      }
      props.setDescription(description(type));
    }

    private static String description(Class<?> type) {
      JsonClassDescription d = type.getAnnotation(JsonClassDescription.class);
      if (d == null || d.value().isBlank()) {
        throw new IllegalStateException(
            type.getName() + " needs a @JsonClassDescription: it is the CRD's description");
      }
      return d.value();
    }

    private static Class<?> argument(Class<?> type, int index) {
      ParameterizedType parent = (ParameterizedType) type.getGenericSuperclass();
      return (Class<?>) parent.getActualTypeArguments()[index];
    }
  }
}
