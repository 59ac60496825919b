package io.inferrouter.stream.tables;

import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.PoolRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RouteRow;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The state the control-plane rules keep: the latest resources, the rows last emitted, and the
 * secondary index ({@link ResourceIndex}) that lets a change find the resources it affects without
 * scanning its namespace. Each store is keyed by the resource's {@code namespace/name} (the pod's,
 * for {@code podEndpoints}).
 */
public record ControlPlaneStores(KeyedStore<ResourceKey, InferencePool> pools,
                                 KeyedStore<ResourceKey, Pod> pods,
                                 KeyedStore<ResourceKey, InferenceModel> models,
                                 KeyedStore<ResourceKey, InferenceObjective> objectives,
                                 KeyedStore<ResourceKey, InferenceModelRewrite> rewrites,
                                 KeyedStore<ResourceKey, HttpRoute> routes,
                                 KeyedStore<ResourceKey, PodEndpoints> podEndpoints,
                                 KeyedStore<ResourceKey, PoolRow> poolRows,
                                 KeyedStore<ResourceKey, ModelRow> modelRows,
                                 KeyedStore<ResourceKey, ObjectiveRow> objectiveRows,
                                 KeyedStore<ResourceKey, RewriteRow> rewriteRows,
                                 KeyedStore<ResourceKey, RouteRow> routeRows,
                                 KeyValueStore<String, String> index) {
}
