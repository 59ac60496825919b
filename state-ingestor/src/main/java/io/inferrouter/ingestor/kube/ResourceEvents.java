package io.inferrouter.ingestor.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.inferrouter.ingestor.metrics.IngestorMetrics;
import io.inferrouter.ingestor.state.ClusterState;
import io.inferrouter.ingestor.state.KvEventsPorts;
import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.KubeResource;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.resources.ResourceKey;
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
    private final IngestorMetrics metrics;
    private final Map<Kinds, AtomicLong> lastEventMs = new EnumMap<>(Kinds.class);

    public ResourceEvents(ResourceMapper mapper, ClusterState state, IngestorMetrics metrics) {
        this.mapper = mapper;
        this.state = state;
        this.metrics = metrics;
        for (Kinds k : Kinds.values()) {
            AtomicLong last = new AtomicLong();
            lastEventMs.put(k, last);
            metrics.lastEvent(k.label(), last, AtomicLong::get);
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
                metrics.invalidResource(kind.label());
                LOG.warn("resource published with validation errors kind={} key={} errors={}", kind.label(),
                        r.key(), r.validationErrors());
            }
            state.upsert(r, kvEventsPorts(kind, o, r.key()));
            metrics.resourceUpserted(kind.label());
        } catch (UnmappableResourceException | IllegalArgumentException | NullPointerException e) {
            unmappable(kind, o, e.getMessage());
        }
    }

    /**
     * An object of {@code kind} cannot become a record at all: it is counted and logged, and what was
     * published for its key before (if it has one) is removed.
     */
    public void unmappable(Kinds kind, HasMetadata o, String reason) {
        metrics.unmappableResource(kind.label());
        LOG.warn("resource not published kind={} key={} reason={}", kind.label(), ResourceMapper.describe(o), reason);
        deleted(kind, o);
    }

    /** An object of {@code kind} was deleted (or, after a re-list, found missing). */
    public void deleted(Kinds kind, HasMetadata o) {
        // Without a valid key nothing was ever published for the object: there is nothing to delete.
        ResourceKey key = ResourceMapper.key(o).orElse(null);
        if (key == null) {
            return;
        }
        lastEventMs.get(kind).set(System.currentTimeMillis());
        state.delete(recordClass(kind), kind.apiVersion(), key);
        metrics.resourceDeleted(kind.label());
    }

    /** The KV-event ports a Pod's or InferencePool's annotations set; a bad value is logged and left unset. */
    private static KvEventsPorts kvEventsPorts(Kinds kind, HasMetadata o, ResourceKey key) {
        if (kind != Kinds.POD && kind != Kinds.INFERENCE_POOL_V1 && kind != Kinds.INFERENCE_POOL_V1ALPHA2) {
            return KvEventsPorts.UNSET;
        }
        return KvEventsPorts.fromAnnotations(o.getMetadata().getAnnotations(), problem -> LOG.warn(
                "annotation ignored, the next level's KV events port applies kind={} key={} reason=\"{}\"",
                kind.label(), key, problem));
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
}
