package io.inferrouter.schemas.serde;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapping of this project's records. Readers ignore fields they do not know, so a
 * newer writer's optional fields never break an older reader; null fields are left out, so an
 * optional field that is unset costs nothing on the wire.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // A primitive an older writer did not know about reads as its zero value.
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private Json() {
    }

    /**
     * The shared, fully configured mapper. ObjectMapper is thread-safe once configured; this one
     * is never reconfigured after construction.
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
