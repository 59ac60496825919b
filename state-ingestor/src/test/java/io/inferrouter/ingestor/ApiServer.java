package io.inferrouter.ingestor;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.inferrouter.ingestor.kube.Kinds;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fabric8's mock API server in CRUD mode that can be restarted on the same port, like an API server
 * restart: the new server is seeded (through {@link #seedClient()}) while every other client gets 503,
 * and then the first watch of each resource that resumes from an old resourceVersion is answered 410
 * Gone, as a real API server does once its watch cache is gone, so informers must re-list.
 */
final class ApiServer implements AutoCloseable {

    private static final String SEED_HEADER = "X-Test-Seed";

    private volatile KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    private final Set<String> expired = ConcurrentHashMap.newKeySet();
    private volatile boolean expireWatches;
    private volatile boolean gateClosed;
    /** Clients (by their {@link #CLIENT_HEADER}) whose every request is answered 503: cut off from the API. */
    private final Set<String> cutOff = ConcurrentHashMap.newKeySet();
    private static final String CLIENT_HEADER = "X-Test-Client";
    private KubernetesMockServer server;
    private int port;
    private KubernetesClient client;

    ApiServer() {
        start();
        client = newClient();
    }

    private void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getPath();
                String clientName = request.getHeader(CLIENT_HEADER);
                if ((gateClosed && request.getHeader(SEED_HEADER) == null)
                        || (clientName != null && cutOff.contains(clientName))) {
                    return new MockResponse().setResponseCode(503).setBody("{\"kind\":\"Status\",\"apiVersion\":"
                            + "\"v1\",\"status\":\"Failure\",\"message\":\"starting\",\"code\":503}");
                }
                if (expireWatches && path.contains("watch=true") && path.contains("resourceVersion=")
                        && expired.add(path.substring(0, path.indexOf('?')))) {
                    // What an API server sends when the watch cache no longer has the version: an ERROR event.
                    return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                        @Override
                        public void onOpen(WebSocket webSocket, Response response) {
                            webSocket.send("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                                    + "\"status\":\"Failure\",\"message\":\"too old resource version\","
                                    + "\"reason\":\"Expired\",\"code\":410}}");
                            webSocket.close(1000, "expired");
                        }
                    });
                }
                return crud.dispatch(request);
            }
        }, false);
        server.init(InetAddress.getLoopbackAddress(), port);
        port = server.getPort();
    }

    /** A client whose watches reconnect quickly (tests should not wait for the default back-off). */
    KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(server.createClient().getConfiguration())
                .withWatchReconnectInterval(100).withRequestRetryBackoffInterval(100).build()).build();
    }

    /** A client like {@link #newClient()} that {@link #cutOff(String)} can cut off from the API by its name. */
    KubernetesClient newClient(String name) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(server.createClient().getConfiguration())
                .withWatchReconnectInterval(100).withRequestRetryBackoffInterval(100)
                .withCustomHeaders(Map.of(CLIENT_HEADER, name)).build()).build();
    }

    /** From now on every request of the client named {@code name} gets 503, as if a partition cut it off. */
    void cutOff(String name) {
        cutOff.add(name);
    }

    KubernetesClient client() {
        return client;
    }

    void stop() {
        server.destroy();
    }

    /** Starts again on the same port, empty and closed to all but {@link #seedClient()} until {@link #open()}. */
    void restartEmpty() {
        crud = new KubernetesCrudDispatcher();
        expired.clear();
        expireWatches = true;
        gateClosed = true;
        start();
    }

    /** A client that passes while the restarted server is being seeded. */
    KubernetesClient seedClient() {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(server.createClient().getConfiguration())
                .withCustomHeaders(Map.of(SEED_HEADER, "true")).build()).build();
    }

    /** Lets every client in; resumed watches get 410 Gone once per resource. */
    void open() {
        gateClosed = false;
    }

    void namespace(String ns) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }

    GenericKubernetesResource create(Kinds kind, String ns, String name, Map<String, Object> spec) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(kind.apiVersion());
        r.setKind(kind.kind());
        r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        r.setAdditionalProperty("spec", spec);
        return client.genericKubernetesResources(kind.context()).inNamespace(ns).resource(r).create();
    }

    void update(Kinds kind, String ns, String name, Map<String, Object> spec) {
        var resource = client.genericKubernetesResources(kind.context()).inNamespace(ns).withName(name);
        GenericKubernetesResource r = resource.get();
        r.setAdditionalProperty("spec", spec);
        client.genericKubernetesResources(kind.context()).inNamespace(ns).resource(r).update();
    }

    void delete(Kinds kind, String ns, String name) {
        client.genericKubernetesResources(kind.context()).inNamespace(ns).withName(name).delete();
    }

    Pod pod(String ns, String name, Map<String, String> labels, String ip, int port, boolean ready) {
        return pod(ns, name, labels, Map.of(), ip, port, ready);
    }

    Pod pod(String ns, String name, Map<String, String> labels, Map<String, String> annotations, String ip, int port,
            boolean ready) {
        Pod p = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels)
                .withAnnotations(annotations).endMetadata()
                .withNewSpec().addNewContainer().withName("server").withImage("vllm").addNewPort()
                .withContainerPort(port).endPort().endContainer().endSpec()
                .withNewStatus().withPodIP(ip).addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                .endCondition().endStatus().build();
        return client.pods().inNamespace(ns).resource(p).create();
    }

    void setReady(String ns, String name, boolean ready) {
        Pod p = client.pods().inNamespace(ns).withName(name).get();
        p.getStatus().getConditions().get(0).setStatus(ready ? "True" : "False");
        client.pods().inNamespace(ns).resource(p).updateStatus();
    }

    /** Replaces a pod's labels, as {@code kubectl label --overwrite} would. */
    void relabel(String ns, String name, Map<String, String> labels) {
        Pod p = client.pods().inNamespace(ns).withName(name).get();
        p.getMetadata().setLabels(labels);
        client.pods().inNamespace(ns).resource(p).update();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
