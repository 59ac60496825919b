package io.inferrouter.gateway.director;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.schemas.serde.Json;
import java.io.IOException;

/**
 * An OpenAI completions or chat-completions body, parsed once: the model, whether it streams, and
 * the prompt text the prefix-cache scorer hashes. The original bytes are kept and forwarded as they
 * are unless the model name must be rewritten.
 */
public final class InferenceRequest {

    /** Which OpenAI API the body is for. */
    public enum Kind { COMPLETIONS, CHAT }

    private final Kind kind;
    private final byte[] bytes;
    private final ObjectNode json;
    private final String model;
    private final boolean stream;
    private final String prompt;

    private InferenceRequest(Kind kind, byte[] bytes, ObjectNode json, String model, boolean stream, String prompt) {
        this.kind = kind;
        this.bytes = bytes;
        this.json = json;
        this.model = model;
        this.stream = stream;
        this.prompt = prompt;
    }

    /** @throws GatewayException 400 when the body is not a usable request */
    public static InferenceRequest parse(Kind kind, byte[] bytes) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(bytes);
        } catch (JacksonException e) {
            throw GatewayException.badRequest("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw GatewayException.badRequest("request body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw GatewayException.badRequest("request body must be a JSON object");
        }
        JsonNode model = root.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw GatewayException.badRequest("'model' is required and must be a non-empty string");
        }
        JsonNode stream = root.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw GatewayException.badRequest("'stream' must be a boolean");
        }
        String prompt = kind == Kind.CHAT ? chatPrompt(root) : completionPrompt(root);
        return new InferenceRequest(kind, bytes, (ObjectNode) root, model.asText(),
                stream != null && stream.asBoolean(false), prompt);
    }

    private static String completionPrompt(JsonNode root) {
        JsonNode prompt = root.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw GatewayException.badRequest("'prompt' is required for /v1/completions");
        }
        if (prompt.isTextual()) {
            return prompt.asText();
        }
        if (prompt.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode p : prompt) {
                if (p.isTextual()) {
                    b.append(p.asText()).append('\n');
                } else if (p.isNumber() || p.isArray()) {
                    // Token ids: hashed by their text form, which still identifies equal prefixes.
                    b.append(p.toString()).append('\n');
                } else {
                    throw GatewayException.badRequest("'prompt' array items must be strings or token ids");
                }
            }
            return b.toString();
        }
        throw GatewayException.badRequest("'prompt' must be a string or an array");
    }

    private static String chatPrompt(JsonNode root) {
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw GatewayException.badRequest("'messages' is required for /v1/chat/completions and must be a non-empty array");
        }
        StringBuilder b = new StringBuilder();
        for (JsonNode m : messages) {
            if (!m.isObject()) {
                throw GatewayException.badRequest("each item of 'messages' must be an object");
            }
            b.append(m.path("role").asText("")).append(": ");
            JsonNode content = m.get("content");
            if (content == null || content.isNull()) {
                b.append('\n');
                continue;
            }
            if (content.isTextual()) {
                b.append(content.asText());
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    if (part.has("text")) {
                        b.append(part.get("text").asText());
                    }
                }
            } else {
                throw GatewayException.badRequest("message 'content' must be a string or an array of parts");
            }
            b.append('\n');
        }
        return b.toString();
    }

    public Kind kind() {
        return kind;
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    public String prompt() {
        return prompt;
    }

    /** The body to send upstream: the original bytes, or a copy with {@code model} replaced. */
    public byte[] bodyFor(String targetModel) {
        if (targetModel.equals(model)) {
            return bytes;
        }
        ObjectNode copy = json.deepCopy();
        copy.put("model", targetModel);
        try {
            return Json.mapper().writeValueAsBytes(copy);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a rewritten request body", e);
        }
    }
}
