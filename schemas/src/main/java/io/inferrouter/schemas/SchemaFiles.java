package io.inferrouter.schemas;

import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.peers.PeerReport;
import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RouteRow;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which JSON Schema file (under {@code schemas/} on the classpath, the source of truth) describes
 * which record type. Tests hold every record to its file.
 */
public final class SchemaFiles {

    /** The {@code $id} prefix of every schema file; the rest is the file name. */
    public static final String BASE_ID = "https://inferrouter.io/schemas/";

    private static final Map<Class<?>, String> FILES;

    static {
        Map<Class<?>, String> files = new LinkedHashMap<>();
        files.put(InferencePool.class, "inference-pool.schema.json");
        files.put(InferenceModel.class, "inference-model.schema.json");
        files.put(InferenceObjective.class, "inference-objective.schema.json");
        files.put(InferenceModelRewrite.class, "inference-model-rewrite.schema.json");
        files.put(HttpRoute.class, "http-route.schema.json");
        files.put(Pod.class, "pod.schema.json");
        files.put(EndpointMetrics.class, "endpoint-metrics.schema.json");
        files.put(KvEventsRecord.class, "kv-events-record.schema.json");
        files.put(PeerReport.class, "peer-report.schema.json");
        files.put(PoolRow.class, "pool-row.schema.json");
        files.put(EndpointRow.class, "endpoint-row.schema.json");
        files.put(ModelRow.class, "model-row.schema.json");
        files.put(ObjectiveRow.class, "objective-row.schema.json");
        files.put(RewriteRow.class, "rewrite-row.schema.json");
        files.put(RouteRow.class, "route-row.schema.json");
        files.put(RoutingDecision.class, "routing-decision.schema.json");
        FILES = java.util.Collections.unmodifiableMap(files);
    }

    private SchemaFiles() {
    }

    /** Every top-level record type and its schema file name. */
    public static Map<Class<?>, String> all() {
        return FILES;
    }

    public static String fileOf(Class<?> type) {
        String file = FILES.get(type);
        if (file == null) {
            throw new IllegalArgumentException(type.getName() + " has no schema file");
        }
        return file;
    }
}
