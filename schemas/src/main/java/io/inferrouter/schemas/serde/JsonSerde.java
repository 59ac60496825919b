package io.inferrouter.schemas.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for one record type, as UTF-8 JSON. A null value is a tombstone both ways.
 * Bad bytes, or JSON that breaks the record's invariants, raise {@link MalformedRecordException}.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private static final int PREVIEW_CHARS = 120;

    private final Class<T> type;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    public JsonSerde(Class<T> type) {
        this(type, Json.mapper());
    }

    JsonSerde(Class<T> type, ObjectMapper mapper) {
        this.type = Objects.requireNonNull(type, "type");
        this.reader = mapper.readerFor(type);
        this.writer = mapper.writerFor(type);
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return writer.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new SerializationException("cannot write " + type.getSimpleName() + " for topic '" + topic
                    + "': " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            T value = reader.readValue(data);
            if (value == null) {
                throw new MalformedRecordException(topic, type.getSimpleName(), "the JSON value is null", null);
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof MalformedRecordException m) {
                throw m;
            }
            throw new MalformedRecordException(topic, type.getSimpleName(), reason(e) + "; bytes: " + preview(data), e);
        }
    }

    /** Reads a value from a JSON string, for fixtures and HTTP bodies; same errors as {@link #deserialize}. */
    public T fromJson(String json) {
        return deserialize("(json)", json.getBytes(StandardCharsets.UTF_8));
    }

    public String toJson(T value) {
        return new String(serialize("(json)", value), StandardCharsets.UTF_8);
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // Configured by its constructor; Kafka's config map has nothing for it.
    }

    @Override
    public void close() {
        // Nothing to release: the mapper is shared and stateless.
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (root != e && root.getMessage() != null) {
            return top + " (" + root.getMessage() + ")";
        }
        return top;
    }

    private static String preview(byte[] data) {
        String text = new String(data, 0, Math.min(data.length, PREVIEW_CHARS * 4), StandardCharsets.UTF_8);
        text = text.replaceAll("\\p{Cntrl}", "?");
        return text.length() > PREVIEW_CHARS ? text.substring(0, PREVIEW_CHARS) + "..." : text;
    }
}
