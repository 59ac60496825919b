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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns object events (from informers or files) into {@link ClusterState} changes. An object that
 * cannot be mapped is counted and logged, and whatever was published for its key before is removed:
 * a broken edit must not leave the previous version routing traffic. Objects of kinds the ingestor
 * does not read are ignored.
 */
public final class ResourceEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceEvents.class);

    private final ResourceMapper mapper;
    private final ClusterState state;
    private final MeterRegistry registry;
    private final Map<Kinds, AtomicLong> lastEventMs = new EnumMap<>(Kinds.class);

    public ResourceEvents(ResourceMapper mapper, ClusterState state, MeterRegistry registry) {
        this.mapper = mapper;
        this.state = state;
        this.registry = registry;
        for (Kinds k : Kinds.values()) {
            AtomicLong last = new AtomicLong();
            lastEventMs.put(k, last);
            Gauge.builder("ingestor_last_event_age_seconds", last,
                            t -> t.get() == 0 ? Double.NaN : (System.currentTimeMillis() - t.get()) / 1000.0)
                    .description("Seconds since the source last reported a change of this kind (NaN: none yet)")
                    .tag("kind", k.label()).register(registry);
        }
    }

    /** An object was added or changed; its kind is read from the object (manifest files). */
    public void upserted(HasMetadata o) {
        Kinds kind = Kinds.find(o).orElse(null);
        if (kind == null) {
            LOG.debug("object of an unread kind ignored apiVersion={} kind={}", o.getApiVersion(), o.getKind());
            return;
        }
        upserted(kind, o);
    }

    /** An object was deleted; its kind is read from the object (manifest files). */
    public void deleted(HasMetadata o) {
        Kinds.find(o).ifPresent(kind -> deleted(kind, o));
    }

    /** An object of {@code kind} was added or changed (informers). */
    public void upserted(Kinds kind, HasMetadata o) {
        lastEventMs.get(kind).set(System.currentTimeMillis());
        try {
            KubeResource r = mapper.map(kind, o, System.currentTimeMillis());
            if (!r.valid()) {
                counter("ingestor_invalid_resources", kind, null).increment();
                LOG.warn("resource published with validation errors kind={} key={} errors={}", kind.label(),
                        ResourceMapper.key(o), r.validationErrors());
            }
            state.upsert(r);
            counter("ingestor_resource_events", kind, "upsert").increment();
        } catch (UnmappableResourceException | IllegalArgumentException | NullPointerException e) {
            counter("ingestor_unmappable_resources", kind, null).increment();
            LOG.warn("resource not published kind={} key={} reason={}", kind.label(), safeKey(o), e.getMessage());
            deleted(kind, o);
        }
    }

    /** An object of {@code kind} was deleted (or, after a re-list, found missing). */
    public void deleted(Kinds kind, HasMetadata o) {
        if (o.getMetadata() == null || o.getMetadata().getName() == null) {
            return;
        }
        lastEventMs.get(kind).set(System.currentTimeMillis());
        state.delete(recordClass(kind), kind.apiVersion(), ResourceMapper.key(o));
        counter("ingestor_resource_events", kind, "delete").increment();
    }

    static Class<? extends KubeResource> recordClass(Kinds kind) {
        return switch (kind) {
            case INFERENCE_POOL_V1, INFERENCE_POOL_V1ALPHA2 -> InferencePool.class;
            case INFERENCE_MODEL -> InferenceModel.class;
            case INFERENCE_OBJECTIVE -> InferenceObjective.class;
            case INFERENCE_MODEL_REWRITE -> InferenceModelRewrite.class;
            case HTTP_ROUTE -> HttpRoute.class;
            case POD -> Pod.class;
        };
    }

    private Counter counter(String name, Kinds kind, String event) {
        Counter.Builder b = Counter.builder(name).tag("kind", kind.label());
        if (event != null) {
            b.tag("event", event);
        }
        return b.register(registry);
    }

    private static String safeKey(HasMetadata o) {
        return o.getMetadata() == null || o.getMetadata().getName() == null ? "(no metadata.name)" : ResourceMapper.key(o);
    }
}
