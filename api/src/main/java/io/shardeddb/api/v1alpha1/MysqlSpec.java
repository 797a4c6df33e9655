package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.shardeddb.api.MysqlParameters;
import java.util.Map;

/** Settings of the MySQL server in each shard pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
// On the type, not the component (the generator would emit a component's rules twice).
@ValidationRule(value = MysqlParameters.NAMES_RULE, message = MysqlParameters.NAMES_MESSAGE)
@ValidationRule(value = MysqlParameters.VALUES_RULE, message = MysqlParameters.VALUES_MESSAGE)
@ValidationRule(value = MysqlParameters.REFUSED_RULE, message = MysqlParameters.REFUSED_MESSAGE)
@ValidationRule(value = MysqlParameters.ALLOWED_RULE, message = MysqlParameters.ALLOWED_MESSAGE)
public record MysqlSpec(
    @JsonPropertyDescription(
            "MySQL system variables, name to value, passed to mysqld as --name=value. Only"
                + " tuning variables are accepted (docs/resource.md lists them); the ones the"
                + " database's durability and replication rely on (e.g."
                + " innodb_flush_log_at_trx_commit, the binary log, autocommit, sql_mode) are"
                + " refused. Values: letters, digits and . _ + - only (e.g. 256M, ON, 0.5).")
        @Size(max = 32)
        Map<String, String> parameters) {

  /** The parameters, never null. */
  public Map<String, String> parametersOrEmpty() {
    return parameters == null ? Map.of() : parameters;
  }
}
