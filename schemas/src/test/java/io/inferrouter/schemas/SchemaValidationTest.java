package io.inferrouter.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferrouter.schemas.serde.Json;
import org.junit.jupiter.api.Test;

/** The validator used by the other tests really rejects what the schema files forbid. */
class SchemaValidationTest {

    @Test
    void aWrongTypeFailsValidation() {
        ObjectNode pod = Json.mapper().valueToTree(Samples.pod());
        pod.put("ready", "yes");
        assertThat(SchemaValidator.errors("pod.schema.json", pod)).isNotEmpty();
    }

    @Test
    void aMissingRequiredFieldFailsValidation() {
        ObjectNode model = Json.mapper().valueToTree(Samples.model());
        model.remove("poolRef");
        assertThat(SchemaValidator.errors("inference-model.schema.json", model)).isNotEmpty();
    }

    @Test
    void referencesAcrossSchemaFilesAreFollowed() {
        ObjectNode row = Json.mapper().valueToTree(Samples.endpointRow());
        ((ObjectNode) row.get("metrics")).put("port", 0);
        assertThat(SchemaValidator.errors("endpoint-row.schema.json", row)).isNotEmpty();
        ObjectNode meta = Json.mapper().valueToTree(Samples.pool());
        ((ObjectNode) meta.get("meta")).put("namespace", "a/b");
        assertThat(SchemaValidator.errors("inference-pool.schema.json", meta)).isNotEmpty();
    }

    @Test
    void aKvResetWithoutReasonOrABlockHashThatIsNotSixteenHexDigitsFailsValidation() {
        ObjectNode reset = Json.mapper().valueToTree(io.inferrouter.schemas.kv.KvEventsRecord.reset(
                io.inferrouter.schemas.metrics.EndpointId.parse("llm/p:8000"),
                io.inferrouter.schemas.resources.ResourceKey.parse("llm/pool"), "pod restarted", 1, "test"));
        assertThat(SchemaValidator.errors("kv-events-record.schema.json", reset)).isEmpty();
        reset.remove("reason");
        assertThat(SchemaValidator.errors("kv-events-record.schema.json", reset)).isNotEmpty();

        ObjectNode batch = Json.mapper().valueToTree(Samples.kvEvents());
        ((ObjectNode) batch.get("events").get(0)).putArray("hashes").add("42");
        assertThat(SchemaValidator.errors("kv-events-record.schema.json", batch)).isNotEmpty();
    }
}
