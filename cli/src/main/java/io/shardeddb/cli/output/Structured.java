package io.shardeddb.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintWriter;

/** The CLI's machine-readable output, {@code -o json} or {@code -o yaml}, of any value. */
public final class Structured {
  /** Indented JSON; big decimals kept exact. */
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .findAndRegisterModules()
          .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true)
          .configure(SerializationFeature.INDENT_OUTPUT, true);

  private static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
          .findAndRegisterModules();

  private Structured() {}

  /** Prints {@code value} as JSON ({@code yaml} false) or YAML. */
  public static void print(PrintWriter out, Object value, boolean yaml) {
    try {
      if (yaml) {
        out.print(YAML.writeValueAsString(value));
      } else {
        out.println(JSON.writeValueAsString(value));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not render the output: " + e.getOriginalMessage(), e);
    }
  }
}
