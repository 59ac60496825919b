package io.inferrouter.ingestor.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.Listable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.inferrouter.ingestor.metrics.IngestorMetrics;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the cluster: one shared informer per resource kind (InferencePools of both versions,
 * InferenceModels, InferenceObjectives, InferenceModelRewrites, HTTPRoutes, Pods) and namespace (or
 * one for all namespaces). Informers start without blocking and retry on their own while the API
 * server is away; when they re-list they report what was deleted meanwhile, which becomes tombstones.
 * A kind the API server does not serve (its CRD is not installed: 404) is skipped with a warning,
 * so a cluster without, say, InferenceModelRewrite still works.
 */
public final class KubeSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(KubeSource.class);

    private record Watched(Kinds kind, String namespace, SharedIndexInformer<? extends HasMetadata> informer) {
    }

    private final List<Watched> watched = new ArrayList<>();

    public KubeSource(KubernetesClient client, List<String> namespaces, ResourceEvents events, Duration resync,
                      IngestorMetrics metrics) {
        for (Kinds kind : Kinds.values()) {
            for (String ns : namespaces.isEmpty() ? List.of("") : namespaces) {
                String where = ns.isEmpty() ? "*" : ns;
                if (!served(client, kind, ns)) {
                    LOG.warn("not watching kind={} apiVersion={} namespace={} reason=\"the API server does not serve it "
                            + "(is its CRD installed?)\"", kind.kind(), kind.apiVersion(), where);
                    continue;
                }
                SharedIndexInformer<? extends HasMetadata> informer = informer(client, kind, ns, resync.toMillis());
                informer.exceptionHandler((started, t) -> {
                    LOG.warn("watch failed, retrying kind={} namespace={} started={} error={}", kind.label(), where,
                            started, t.toString());
                    return true;
                });
                informer.addEventHandler(handler(kind, events));
                watched.add(new Watched(kind, where, informer));
                metrics.informer(kind.label(), where, informer, SharedIndexInformer::isWatching,
                        SharedIndexInformer::hasSynced);
            }
        }
        watched.forEach(w -> w.informer().start().whenComplete((ok, error) -> {
            if (error == null) {
                LOG.info("informer synced kind={} namespace={} objects={}", w.kind().label(), w.namespace(),
                        w.informer().getStore().list().size());
            }
        }));
    }

    /** False only when the API server answers 404 for the kind; other errors are left to the informer's retries. */
    private static boolean served(KubernetesClient client, Kinds kind, String ns) {
        try {
            listable(client, kind, ns).list(new ListOptionsBuilder().withLimit(1L).build());
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return false;
            }
            LOG.warn("cannot list kind={} namespace={} yet, watching anyway error={}", kind.label(),
                    ns.isEmpty() ? "*" : ns, e.getMessage());
            return true;
        }
    }

    private static Listable<?> listable(KubernetesClient client, Kinds kind, String ns) {
        if (kind == Kinds.POD) {
            return ns.isEmpty() ? client.pods().inAnyNamespace() : client.pods().inNamespace(ns);
        }
        var resources = client.genericKubernetesResources(kind.context());
        return ns.isEmpty() ? resources.inAnyNamespace() : resources.inNamespace(ns);
    }

    private static SharedIndexInformer<? extends HasMetadata> informer(KubernetesClient client, Kinds kind, String ns,
                                                                       long resyncMs) {
        Informable<? extends HasMetadata> informable;
        if (kind == Kinds.POD) {
            informable = ns.isEmpty() ? client.pods().inAnyNamespace() : client.pods().inNamespace(ns);
        } else {
            var resources = client.genericKubernetesResources(kind.context());
            informable = ns.isEmpty() ? resources.inAnyNamespace() : resources.inNamespace(ns);
        }
        return informable.runnableInformer(resyncMs);
    }

    private static ResourceEventHandler<HasMetadata> handler(Kinds kind, ResourceEvents events) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(HasMetadata obj) {
                events.upserted(kind, obj);
            }

            @Override
            public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
                events.upserted(kind, newObj);
            }

            @Override
            public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
                events.deleted(kind, obj);
            }
        };
    }

    @Override
    public boolean synced() {
        return watched.stream().allMatch(w -> w.informer().hasSynced());
    }

    /** True while every informer's watch is open (false after the API server went away, until it is back). */
    public boolean watching() {
        return watched.stream().allMatch(w -> w.informer().isWatching());
    }

    @Override
    public String describe() {
        long synced = watched.stream().filter(w -> w.informer().hasSynced()).count();
        long watching = watched.stream().filter(w -> w.informer().isWatching()).count();
        return "informers=" + watched.size() + " synced=" + synced + " watching=" + watching;
    }

    @Override
    public void close() {
        watched.forEach(w -> w.informer().close());
    }
}
