package io.inferrouter.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Set;

/** Validates JSON against the schema files on the classpath, resolving {@code $ref}s between them. */
final class SchemaValidator {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaMappers(m -> m.mapPrefix(SchemaFiles.BASE_ID, "classpath:schemas/")));

    private SchemaValidator() {
    }

    static JsonSchema schema(String file) {
        return FACTORY.getSchema(SchemaLocation.of(SchemaFiles.BASE_ID + file));
    }

    static List<String> errors(String file, JsonNode json) {
        Set<ValidationMessage> messages = schema(file).validate(json);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
