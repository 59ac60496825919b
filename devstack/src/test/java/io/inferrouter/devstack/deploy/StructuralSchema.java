package io.inferrouter.devstack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates an object against a CRD's structural OpenAPI v3 schema the way the API server's schema
 * validation does for the keywords our CRDs use: type, properties, required, additionalProperties,
 * enum, minimum/maximum, minLength/maxLength, pattern, minItems/maxItems, minProperties/maxProperties.
 * Unlike the API server, a field the schema does not know is an error rather than silently pruned: in
 * a hand-written manifest it is a typo. CEL rules (x-kubernetes-validations) are not evaluated.
 */
final class StructuralSchema {

    private StructuralSchema() {
    }

    /** The problems found, each as "path: what"; empty when the object is valid. */
    static List<String> validate(JsonNode schema, JsonNode value) {
        List<String> errors = new ArrayList<>();
        check(schema, value, "", errors);
        return errors;
    }

    /** The places where the schema is not structural (a property without a type). */
    static List<String> structuralProblems(JsonNode schema) {
        List<String> problems = new ArrayList<>();
        structural(schema, "", problems);
        return problems;
    }

    private static void structural(JsonNode schema, String path, List<String> problems) {
        if (!schema.has("type") && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()
                && !schema.path("x-kubernetes-int-or-string").asBoolean()) {
            problems.add((path.isEmpty() ? "(root)" : path) + " has no type");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            structural(p.getValue(), path + "." + p.getKey(), problems);
        }
        if (schema.has("items")) {
            structural(schema.get("items"), path + "[]", problems);
        }
        if (schema.path("additionalProperties").isObject()) {
            structural(schema.get("additionalProperties"), path + ".*", problems);
        }
    }

    private static void check(JsonNode schema, JsonNode value, String path, List<String> errors) {
        String at = path.isEmpty() ? "(root)" : path;
        String type = schema.path("type").asText("");
        boolean typeOk = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!typeOk) {
            errors.add(at + ": must be of type " + type + ", was " + value.getNodeType());
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode e : schema.get("enum")) {
                listed |= e.equals(value);
            }
            if (!listed) {
                errors.add(at + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (value.isNumber()) {
            if (schema.has("minimum") && value.asLong() < schema.get("minimum").asLong()) {
                errors.add(at + ": " + value + " is below the minimum " + schema.get("minimum"));
            }
            if (schema.has("maximum") && value.asLong() > schema.get("maximum").asLong()) {
                errors.add(at + ": " + value + " is above the maximum " + schema.get("maximum"));
            }
        }
        if (value.isTextual()) {
            String s = value.asText();
            if (schema.has("minLength") && s.length() < schema.get("minLength").asInt()) {
                errors.add(at + ": '" + s + "' is shorter than " + schema.get("minLength"));
            }
            if (schema.has("maxLength") && s.length() > schema.get("maxLength").asInt()) {
                errors.add(at + ": '" + s + "' is longer than " + schema.get("maxLength"));
            }
            if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
                errors.add(at + ": '" + s + "' does not match " + schema.get("pattern").asText());
            }
        }
        if (value.isArray()) {
            if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                errors.add(at + ": has " + value.size() + " items, fewer than " + schema.get("minItems"));
            }
            if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
                errors.add(at + ": has " + value.size() + " items, more than " + schema.get("maxItems"));
            }
            for (int i = 0; i < value.size(); i++) {
                if (schema.has("items")) {
                    check(schema.get("items"), value.get(i), path + "[" + i + "]", errors);
                }
            }
        }
        if (value.isObject()) {
            checkObject(schema, value, path, at, errors);
        }
    }

    private static void checkObject(JsonNode schema, JsonNode value, String path, String at, List<String> errors) {
        if (schema.has("minProperties") && value.size() < schema.get("minProperties").asInt()) {
            errors.add(at + ": has " + value.size() + " fields, fewer than " + schema.get("minProperties"));
        }
        if (schema.has("maxProperties") && value.size() > schema.get("maxProperties").asInt()) {
            errors.add(at + ": has " + value.size() + " fields, more than " + schema.get("maxProperties"));
        }
        for (JsonNode r : schema.path("required")) {
            if (!value.has(r.asText())) {
                errors.add(at + ": " + r.asText() + " is required");
            }
        }
        boolean open = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String child = path + "." + f.getKey();
            JsonNode property = schema.path("properties").get(f.getKey());
            if (property != null) {
                check(property, f.getValue(), child, errors);
            } else if (schema.path("additionalProperties").isObject()) {
                check(schema.get("additionalProperties"), f.getValue(), child, errors);
            } else if (!open && schema.has("properties")) {
                errors.add(child + ": unknown field");
            }
        }
    }
}
