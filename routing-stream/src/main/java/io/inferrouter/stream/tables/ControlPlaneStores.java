package io.inferrouter.stream.tables;

import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RouteRow;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The state the control-plane rules keep: the latest resources, the rows last emitted, and the
 * secondary index ({@link ResourceIndex}) that lets a change find the resources it affects without
 * scanning its namespace.
 */
public record ControlPlaneStores(KeyValueStore<String, InferencePool> pools,
                                 KeyValueStore<String, Pod> pods,
                                 KeyValueStore<String, InferenceModel> models,
                                 KeyValueStore<String, InferenceObjective> objectives,
                                 KeyValueStore<String, InferenceModelRewrite> rewrites,
                                 KeyValueStore<String, HttpRoute> routes,
                                 KeyValueStore<String, PodEndpoints> podEndpoints,
                                 KeyValueStore<String, PoolRow> poolRows,
                                 KeyValueStore<String, ModelRow> modelRows,
                                 KeyValueStore<String, ObjectiveRow> objectiveRows,
                                 KeyValueStore<String, RewriteRow> rewriteRows,
                                 KeyValueStore<String, RouteRow> routeRows,
                                 KeyValueStore<String, String> index) {
}
