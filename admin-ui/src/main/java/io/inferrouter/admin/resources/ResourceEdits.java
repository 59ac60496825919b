package io.inferrouter.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferrouter.admin.api.AdminException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the UI may write, checked before anything reaches the Kubernetes API: an edit the
 * ingestor would flag as invalid is refused here with the reason, and nothing is written.
 * The result is the part of the object's {@code spec} the UI owns; other fields are kept as stored.
 */
public final class ResourceEdits {

    static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    private static final Pattern LABEL_PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern LABEL_KEY = Pattern.compile("(?:([^/]*)/)?([^/]*)");
    private static final Set<String> CRITICALITIES = Set.of("Critical", "Standard", "Sheddable");
    private static final Set<String> FAILURE_MODES = Set.of("FailOpen", "FailClose");

    private ResourceEdits() {
    }

    /** An InferenceModel edit: the spec fields {@code modelName}, {@code criticality}, {@code poolRef}, {@code targetModels}. */
    public record ModelEdit(String modelName, String criticality, String poolName, List<Map<String, Object>> targetModels) {
    }

    /** An InferencePool edit: selector labels, target ports and, when set, the failure mode of its picker reference. */
    public record PoolEdit(Map<String, String> selector, List<Integer> targetPorts, String failureMode,
                           String endpointPicker, int endpointPickerPort) {
    }

    public static ModelEdit model(JsonNode body) {
        object(body);
        String modelName = text(body, "modelName");
        if (modelName == null || modelName.isBlank() || modelName.length() > 253) {
            throw AdminException.badRequest("modelName is required (1-253 characters)");
        }
        String criticality = text(body, "criticality");
        if (criticality != null && !CRITICALITIES.contains(criticality)) {
            throw AdminException.badRequest("criticality must be one of Critical, Standard, Sheddable (or unset), was '"
                    + criticality + "'");
        }
        JsonNode ref = body.get("poolRef");
        String pool = ref == null || ref.isNull() ? null : ref.isObject() ? text(ref, "name") : ref.asText();
        if (pool == null || !DNS_NAME.matcher(pool).matches()) {
            throw AdminException.badRequest("poolRef must name an InferencePool of the same namespace"
                    + " (a DNS-1123 label), was '" + pool + "'");
        }
        return new ModelEdit(modelName, criticality, pool, targets(body.get("targetModels")));
    }

    private static List<Map<String, Object>> targets(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw AdminException.badRequest("targetModels must be a list of {name, weight}");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int weighted = 0;
        long sum = 0;
        for (JsonNode t : node) {
            String name = t.isObject() ? text(t, "name") : null;
            if (name == null || name.isBlank()) {
                throw AdminException.badRequest("every targetModels entry needs a name");
            }
            if (!names.add(name)) {
                throw AdminException.badRequest("targetModels names '" + name + "' twice");
            }
            Map<String, Object> target = new LinkedHashMap<>();
            target.put("name", name);
            JsonNode w = t.get("weight");
            if (w != null && !w.isNull()) {
                if (!w.canConvertToInt() || !w.isIntegralNumber() || w.asInt() < 0 || w.asInt() > 1_000_000) {
                    throw AdminException.badRequest("weight of target '" + name + "' must be an integer 0-1000000, was "
                            + w);
                }
                target.put("weight", w.asInt());
                weighted++;
                sum += w.asInt();
            }
            out.add(target);
        }
        if (weighted != 0 && weighted != out.size()) {
            throw AdminException.badRequest("set a weight on every targetModels entry or on none");
        }
        if (weighted > 0 && sum == 0) {
            throw AdminException.badRequest("targetModels weights are all zero: no traffic could go anywhere");
        }
        return List.copyOf(out);
    }

    public static PoolEdit pool(JsonNode body) {
        object(body);
        JsonNode sel = body.get("selector");
        if (sel == null || !sel.isObject() || sel.isEmpty()) {
            throw AdminException.badRequest("selector must be a non-empty map of pod labels");
        }
        Map<String, String> selector = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = sel.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String value = e.getValue().isValueNode() ? e.getValue().asText() : null;
            if (!validLabelKey(e.getKey()) || value == null || value.length() > 63
                    || !LABEL_NAME.matcher(value).matches()) {
                throw AdminException.badRequest("selector label " + e.getKey() + "=" + e.getValue()
                        + " is not a valid Kubernetes label");
            }
            selector.put(e.getKey(), value);
        }
        JsonNode portsNode = body.get("targetPorts");
        if (portsNode == null || !portsNode.isArray() || portsNode.isEmpty() || portsNode.size() > 8) {
            throw AdminException.badRequest("targetPorts must list 1-8 port numbers");
        }
        List<Integer> ports = new ArrayList<>();
        for (JsonNode p : portsNode) {
            JsonNode n = p.isObject() ? p.get("number") : p;
            if (n == null || !n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > 65535) {
                throw AdminException.badRequest("target port must be 1-65535, was " + p);
            }
            if (ports.contains(n.asInt())) {
                throw AdminException.badRequest("target port " + n.asInt() + " is listed twice");
            }
            ports.add(n.asInt());
        }
        String failureMode = text(body, "failureMode");
        if (failureMode != null && !FAILURE_MODES.contains(failureMode)) {
            throw AdminException.badRequest("failureMode must be FailOpen or FailClose, was '" + failureMode + "'");
        }
        String picker = text(body, "endpointPicker");
        picker = picker == null || picker.isBlank() ? "inference-router" : picker;
        if (!DNS_NAME.matcher(picker).matches()) {
            throw AdminException.badRequest("endpointPicker must be a Service name, was '" + picker + "'");
        }
        JsonNode pickerPort = body.get("endpointPickerPort");
        int port = pickerPort == null || pickerPort.isNull() ? 8080 : pickerPort.asInt(-1);
        if (port < 1 || port > 65535) {
            throw AdminException.badRequest("endpointPickerPort must be 1-65535, was " + pickerPort);
        }
        return new PoolEdit(Map.copyOf(selector), List.copyOf(ports), failureMode, picker, port);
    }

    /** The {@code resourceVersion} an edit was made from, or null when the body has none (a create). */
    public static String resourceVersion(JsonNode body) {
        String v = body == null || !body.isObject() ? null : text(body, "resourceVersion");
        return v == null || v.isBlank() ? null : v;
    }

    /** A label key is {@code [prefix/]name}: the prefix a DNS subdomain, the name at most 63 characters. */
    private static boolean validLabelKey(String key) {
        Matcher m = LABEL_KEY.matcher(key);
        if (!m.matches()) {
            return false;
        }
        String prefix = m.group(1);
        String name = m.group(2);
        if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
            return false;
        }
        return prefix == null || (prefix.length() <= 253 && LABEL_PREFIX.matcher(prefix).matches());
    }

    private static void object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw AdminException.badRequest("the body must be a JSON object");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw AdminException.badRequest(field + " must be a string");
        }
        return v.asText();
    }
}
