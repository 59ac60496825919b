package io.inferrouter.ingestor.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.inferrouter.ingestor.state.ClusterState;
import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.KubeResource;
import io.inferrouter.schemas.resources.Pod;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns object events (from informers or files) into {@link ClusterState} changes. An object that
 * cannot be mapped is counted and logged, and whatever was published for its key before is removed:
 * a broken edit must not leave the previous version routing traffic.
 */
public final class ResourceEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceEvents.class);

    private final ResourceMapper mapper;
    private final ClusterState state;
    private final MeterRegistry registry;
    private final java.util.concurrent.atomic.AtomicLong lastEventMs = new java.util.concurrent.atomic.AtomicLong();

    public ResourceEvents(ResourceMapper mapper, ClusterState state, MeterRegistry registry) {
        this.mapper = mapper;
        this.state = state;
        this.registry = registry;
        io.micrometer.core.instrument.Gauge.builder("ingestor_last_event_age_seconds", lastEventMs,
                        t -> t.get() == 0 ? Double.NaN : (System.currentTimeMillis() - t.get()) / 1000.0)
                .description("Seconds since the source reported the last resource change").register(registry);
    }

    public void upserted(HasMetadata o) {
        lastEventMs.set(System.currentTimeMillis());
        try {
            KubeResource r = mapper.map(o, System.currentTimeMillis());
            if (!r.valid()) {
                registry.counter("ingestor_invalid_resources", "kind", o.getKind()).increment();
                LOG.warn("resource published with validation errors kind={} key={} errors={}", o.getKind(),
                        ResourceMapper.key(o), r.validationErrors());
            }
            state.upsert(r);
            registry.counter("ingestor_resource_events", "kind", o.getKind(), "event", "upsert").increment();
        } catch (UnmappableResourceException | IllegalArgumentException e) {
            registry.counter("ingestor_unmappable_resources", "kind", String.valueOf(o.getKind())).increment();
            LOG.warn("resource not published kind={} key={} reason={}", o.getKind(), safeKey(o), e.getMessage());
            deleted(o);
        }
    }

    public void deleted(HasMetadata o) {
        lastEventMs.set(System.currentTimeMillis());
        if (o.getMetadata() == null || o.getMetadata().getName() == null) {
            return;
        }
        Class<? extends KubeResource> kind = kindOf(o);
        if (kind != null) {
            state.delete(kind, o.getApiVersion(), ResourceMapper.key(o));
            registry.counter("ingestor_resource_events", "kind", o.getKind(), "event", "delete").increment();
        }
    }

    static Class<? extends KubeResource> kindOf(HasMetadata o) {
        if (o instanceof io.fabric8.kubernetes.api.model.Pod) {
            return Pod.class;
        }
        try {
            return switch (Kinds.of(o)) {
                case INFERENCE_POOL_V1, INFERENCE_POOL_V1ALPHA2 -> InferencePool.class;
                case INFERENCE_MODEL -> InferenceModel.class;
                case INFERENCE_OBJECTIVE -> InferenceObjective.class;
                case INFERENCE_MODEL_REWRITE -> InferenceModelRewrite.class;
                case HTTP_ROUTE -> HttpRoute.class;
                case POD -> Pod.class;
            };
        } catch (UnmappableResourceException e) {
            return null;
        }
    }

    private static String safeKey(HasMetadata o) {
        return o.getMetadata() == null ? "(no metadata)" : ResourceMapper.key(o);
    }
}
