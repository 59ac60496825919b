package io.inferrouter.ingestor.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the cluster: one shared informer per resource kind (InferencePools of both versions,
 * InferenceModels, InferenceObjectives, InferenceModelRewrites, HTTPRoutes, Pods), in the configured
 * namespaces or all. Informers re-list after a disconnect and report what was deleted meanwhile.
 * A kind the API server does not serve (its CRD is not installed) is skipped with a warning.
 */
public final class KubeSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(KubeSource.class);

    private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();

    public KubeSource(KubernetesClient client, List<String> namespaces, ResourceEvents events, Duration resync) {
        for (Kinds kind : Kinds.values()) {
            for (String ns : namespaces.isEmpty() ? List.of("") : namespaces) {
                try {
                    informers.add(inform(client, kind, ns, events, resync.toMillis()));
                } catch (KubernetesClientException e) {
                    LOG.warn("not watching kind={} namespace={} reason={}", kind.kind() + " " + kind.apiVersion(),
                            ns.isEmpty() ? "*" : ns, e.getMessage());
                }
            }
        }
    }

    private static SharedIndexInformer<? extends HasMetadata> inform(KubernetesClient client, Kinds kind, String ns,
                                                                       ResourceEvents events, long resyncMs) {
        if (kind == Kinds.POD) {
            var pods = ns.isEmpty() ? client.pods().inAnyNamespace() : client.pods().inNamespace(ns);
            return pods.inform(handler(events), resyncMs);
        }
        var resources = client.genericKubernetesResources(kind.context());
        var scoped = ns.isEmpty() ? resources.inAnyNamespace() : resources.inNamespace(ns);
        return scoped.inform(handler(events), resyncMs);
    }

    private static <T extends HasMetadata> ResourceEventHandler<T> handler(ResourceEvents events) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                events.upserted(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                events.upserted(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                events.deleted(obj);
            }
        };
    }

    @Override
    public boolean synced() {
        return informers.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /** True while every informer is watching (false after the API server went away, until it is back). */
    public boolean watching() {
        return informers.stream().allMatch(SharedIndexInformer::isWatching);
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
