package io.inferrouter.ingestor.state;

import io.inferrouter.ingestor.publish.Publisher;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.KubeResource;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The ingestor's view of the cluster, fed by a source (informers or files), and what it publishes:
 * every resource as it is, except that an InferencePool defined in both API versions is published
 * once (v1 wins), and Pods only while some pool's selector picks them (or they carry a configured
 * label). The scraper asks it for the endpoints to scrape, the KV-event subscriber for the same
 * endpoints' event sockets: both follow one definition of an endpoint ({@link #forEachEndpoint}).
 */
public final class ClusterState {

    public static final String ENGINE_TYPE_LABEL = "inference.networking.k8s.io/engine-type";

    private final Publisher publisher;
    private final Set<String> podLabelKeys;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<ResourceKey, InferencePool> poolsV1 = new HashMap<>();
    private final Map<ResourceKey, InferencePool> poolsV1alpha2 = new HashMap<>();
    private final Map<ResourceKey, Pod> pods = new TreeMap<>();
    /** KV-event ports from annotations, by pod and by pool (per API version, as the pools). */
    private final Map<ResourceKey, KvEventsPorts> podKvPorts = new HashMap<>();
    private final Map<ResourceKey, KvEventsPorts> poolKvPortsV1 = new HashMap<>();
    private final Map<ResourceKey, KvEventsPorts> poolKvPortsV1alpha2 = new HashMap<>();
    private final Set<ResourceKey> publishedPods = new HashSet<>();
    private final Map<Topic<String, ?>, Set<ResourceKey>> present = new HashMap<>();
    /** The last record of each non-pool, non-pod resource, for republishing. */
    private final Map<Topic<String, ?>, Map<ResourceKey, Object>> current = new HashMap<>();

    /** @param podLabelKeys pods carrying any of these label keys are published even if no pool selects them */
    public ClusterState(Publisher publisher, Set<String> podLabelKeys) {
        this.publisher = publisher;
        this.podLabelKeys = Set.copyOf(podLabelKeys);
    }

    /** A resource was added or changed. */
    public void upsert(KubeResource r) {
        upsert(r, KvEventsPorts.UNSET);
    }

    /**
     * A resource was added or changed; {@code kvPorts} are the KV-event ports its annotations set (read
     * for pods and pools only; they stay in the ingestor and are not published).
     */
    public void upsert(KubeResource r, KvEventsPorts kvPorts) {
        lock.lock();
        try {
            switch (r) {
                case InferencePool p -> {
                    boolean v1 = InferencePool.API_V1.equals(p.apiVersion());
                    (v1 ? poolsV1 : poolsV1alpha2).put(p.key(), p);
                    (v1 ? poolKvPortsV1 : poolKvPortsV1alpha2).put(p.key(), kvPorts);
                    publishPool(p.key());
                    refreshPods(p.meta().namespace());
                }
                case Pod p -> {
                    pods.put(p.key(), p);
                    podKvPorts.put(p.key(), kvPorts);
                    refreshPod(p.key());
                }
                case InferenceModel m -> resource(Topics.INFERENCE_MODELS, m.key(), m);
                case InferenceObjective o -> resource(Topics.INFERENCE_OBJECTIVES, o.key(), o);
                case InferenceModelRewrite w -> resource(Topics.INFERENCE_MODEL_REWRITES, w.key(), w);
                case HttpRoute h -> resource(Topics.HTTP_ROUTES, h.key(), h);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A resource was deleted. {@code kind} is the record class; for pools, {@code apiVersion} says which one. */
    public void delete(Class<? extends KubeResource> kind, String apiVersion, ResourceKey key) {
        lock.lock();
        try {
            if (kind == InferencePool.class) {
                boolean v1 = InferencePool.API_V1.equals(apiVersion);
                (v1 ? poolsV1 : poolsV1alpha2).remove(key);
                (v1 ? poolKvPortsV1 : poolKvPortsV1alpha2).remove(key);
                publishPool(key);
                refreshPods(key.namespace());
            } else if (kind == Pod.class) {
                pods.remove(key);
                podKvPorts.remove(key);
                refreshPod(key);
            } else if (kind == InferenceModel.class) {
                resource(Topics.INFERENCE_MODELS, key, null);
            } else if (kind == InferenceObjective.class) {
                resource(Topics.INFERENCE_OBJECTIVES, key, null);
            } else if (kind == InferenceModelRewrite.class) {
                resource(Topics.INFERENCE_MODEL_REWRITES, key, null);
            } else if (kind == HttpRoute.class) {
                resource(Topics.HTTP_ROUTES, key, null);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * After a full listing: tombstones every key a topic holds that the cluster no longer has, so the
     * topics converge to the cluster's state after a restart or a missed delete. Keys outside the
     * namespaces this ingestor watches are left alone: another ingestor may own them.
     *
     * @param onTopics the live keys each resource topic holds now
     * @param owned    whether a key is in this ingestor's namespaces
     * @return how many tombstones were sent
     */
    public int reconcile(Map<Topic<String, ?>, Set<ResourceKey>> onTopics, Predicate<ResourceKey> owned) {
        lock.lock();
        try {
            int sent = 0;
            for (Map.Entry<Topic<String, ?>, Set<ResourceKey>> e : onTopics.entrySet()) {
                Set<ResourceKey> keep = present.getOrDefault(e.getKey(), Set.of());
                for (ResourceKey key : e.getValue()) {
                    if (!keep.contains(key) && owned.test(key)) {
                        publisher.resource(e.getKey(), key, null);
                        sent++;
                    }
                }
            }
            return sent;
        } finally {
            lock.unlock();
        }
    }

    /** Publishes the whole current view again (after becoming the leader). */
    public void republish() {
        lock.lock();
        try {
            new HashSet<>(poolsV1.keySet()).forEach(this::publishPool);
            new HashSet<>(poolsV1alpha2.keySet()).forEach(this::publishPool);
            for (ResourceKey key : new ArrayList<>(pods.keySet())) {
                refreshPod(key);
            }
            current.forEach((topic, records) -> records.forEach((k, v) -> republishOne(topic, k, v)));
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private <V> void republishOne(Topic<String, ?> topic, ResourceKey key, Object value) {
        publisher.resource((Topic<String, V>) topic, key, (V) value);
    }

    /** Every endpoint of every valid pool: its ready, non-terminating member pods times its target ports. */
    public List<ScrapeTarget> scrapeTargets() {
        Map<EndpointId, ScrapeTarget> targets = new LinkedHashMap<>();
        forEachEndpoint((pool, pod, index, id) -> targets.putIfAbsent(id, new ScrapeTarget(id, pod.ip(),
                pod.labels().getOrDefault(ENGINE_TYPE_LABEL, "vllm"))));
        return new ArrayList<>(targets.values());
    }

    /**
     * The KV-event sockets of the endpoints {@link #scrapeTargets()} gives, where they are on. Ports come
     * from the pod's annotations, else its pool's, else {@code defaults}; the {@code i}-th target port of
     * the pool adds {@code i} to both (vLLM's port offset per data-parallel rank). A PUB port of 0 turns
     * the endpoint's events off; a replay port of 0 means it has no replay socket.
     */
    public List<KvEventsTarget> kvEventsTargets(KvEventsPorts defaults) {
        Map<EndpointId, KvEventsTarget> targets = new LinkedHashMap<>();
        forEachEndpoint((pool, pod, index, id) -> {
            KvEventsPorts ports = podKvPorts.getOrDefault(pod.key(), KvEventsPorts.UNSET)
                    .orElse(poolKvPorts(pool)).orElse(defaults);
            if (ports.port() == null || ports.port() == 0 || ports.port() + index > 65535) {
                return;
            }
            int replay = ports.replayPort() == null || ports.replayPort() == 0 || ports.replayPort() + index > 65535
                    ? 0 : ports.replayPort() + index;
            targets.putIfAbsent(id, new KvEventsTarget(id, pool.key(), pod.ip(), ports.port() + index, replay));
        });
        return new ArrayList<>(targets.values());
    }

    /** What is done with each endpoint: {@code index} is the target port's place in the pool's list. */
    @FunctionalInterface
    private interface EndpointVisitor {
        void visit(InferencePool pool, Pod pod, int index, EndpointId endpoint);
    }

    /** The one definition of an endpoint: a valid pool's ready, non-terminating member pod at one target port. */
    private void forEachEndpoint(EndpointVisitor visitor) {
        lock.lock();
        try {
            for (InferencePool pool : effectivePools()) {
                if (!pool.valid()) {
                    continue;
                }
                for (Pod pod : pods.values()) {
                    if (pod.routable() && selects(pool, pod)) {
                        List<Integer> ports = pool.targetPorts();
                        for (int i = 0; i < ports.size(); i++) {
                            visitor.visit(pool, pod, i, EndpointId.of(pod.key(), ports.get(i)));
                        }
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private KvEventsPorts poolKvPorts(InferencePool pool) {
        return (InferencePool.API_V1.equals(pool.apiVersion()) ? poolKvPortsV1 : poolKvPortsV1alpha2)
                .getOrDefault(pool.key(), KvEventsPorts.UNSET);
    }

    private <V> void resource(Topic<String, V> topic, ResourceKey key, V value) {
        Set<ResourceKey> keys = present.computeIfAbsent(topic, t -> new HashSet<>());
        if (value == null) {
            keys.remove(key);
        } else {
            keys.add(key);
        }
        if (topic != Topics.INFERENCE_POOLS && topic != Topics.PODS) {
            Map<ResourceKey, Object> records = current.computeIfAbsent(topic, t -> new HashMap<>());
            if (value == null) {
                records.remove(key);
            } else {
                records.put(key, value);
            }
        }
        publisher.resource(topic, key, value);
    }

    private void publishPool(ResourceKey key) {
        InferencePool effective = poolsV1.containsKey(key) ? poolsV1.get(key) : poolsV1alpha2.get(key);
        resource(Topics.INFERENCE_POOLS, key, effective);
    }

    private void refreshPods(String namespace) {
        for (ResourceKey key : new ArrayList<>(pods.keySet())) {
            if (key.namespace().equals(namespace)) {
                refreshPod(key);
            }
        }
        for (ResourceKey key : new ArrayList<>(publishedPods)) {
            if (key.namespace().equals(namespace) && !pods.containsKey(key)) {
                refreshPod(key);
            }
        }
    }

    private void refreshPod(ResourceKey key) {
        Pod pod = pods.get(key);
        if (pod != null && matters(pod)) {
            publishedPods.add(key);
            resource(Topics.PODS, key, pod);
        } else if (publishedPods.remove(key)) {
            resource(Topics.PODS, key, null);
        }
    }

    private boolean matters(Pod pod) {
        for (String k : podLabelKeys) {
            if (pod.labels().containsKey(k)) {
                return true;
            }
        }
        for (InferencePool pool : effectivePools()) {
            if (selects(pool, pod)) {
                return true;
            }
        }
        return false;
    }

    private List<InferencePool> effectivePools() {
        List<InferencePool> out = new ArrayList<>(poolsV1.values());
        poolsV1alpha2.forEach((k, p) -> {
            if (!poolsV1.containsKey(k)) {
                out.add(p);
            }
        });
        return out;
    }

    private static boolean selects(InferencePool pool, Pod pod) {
        if (!pool.meta().namespace().equals(pod.meta().namespace()) || pool.selector().isEmpty()) {
            return false;
        }
        for (Map.Entry<String, String> e : pool.selector().entrySet()) {
            if (!e.getValue().equals(pod.labels().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
