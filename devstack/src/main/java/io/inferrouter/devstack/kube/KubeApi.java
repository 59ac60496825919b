package io.inferrouter.devstack.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devstack's Kubernetes API: fabric8's mock API server in CRUD mode (it stores what is created
 * and serves lists and watches of it), listening on loopback, seeded from manifests, with a
 * kubeconfig written for it so that the ingestor, kubectl or anything else can use it as a cluster.
 * Its state lives in memory and is seeded anew at every start.
 */
public final class KubeApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubeApi.class);

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Path kubeconfig;
    private final String url;

    private KubeApi(KubernetesMockServer server, KubernetesClient client, Path kubeconfig, String url) {
        this.server = server;
        this.client = client;
        this.kubeconfig = kubeconfig;
        this.url = url;
    }

    /**
     * @param port      0 picks a free port
     * @param dataDir   where the kubeconfig is written
     * @param manifests files or directories of YAML manifests, applied in order
     */
    public static KubeApi start(String host, int port, Path dataDir, List<Path> manifests) {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        try {
            server.init(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown Kubernetes API host " + host, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start the mock Kubernetes API on " + host + ":" + port
                    + " (is the port in use?): " + e.getMessage(), e);
        }
        String url = "http://" + host + ":" + server.getPort();
        KubernetesClient client = server.createClient();
        try {
            Path kubeconfig = dataDir.resolve("kubeconfig");
            Files.createDirectories(dataDir);
            Files.writeString(kubeconfig, kubeconfig(url));
            int applied = new ManifestSeeder(client).apply(manifests);
            LOG.info("mock kubernetes api started url={} kubeconfig={} seededObjects={}", url, kubeconfig, applied);
            return new KubeApi(server, client, kubeconfig, url);
        } catch (IOException | RuntimeException e) {
            client.close();
            server.destroy();
            throw new IllegalStateException("cannot prepare the mock Kubernetes API: " + e.getMessage(), e);
        }
    }

    public String url() {
        return url;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    /** A client of this API server, owned by the caller. */
    public KubernetesClient newClient() {
        return server.createClient();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
        LOG.info("mock kubernetes api stopped url={}", url);
    }

    static String kubeconfig(String url) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: devstack
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                contexts:
                - name: devstack
                  context:
                    cluster: devstack
                    user: devstack
                    namespace: llm
                current-context: devstack
                users:
                - name: devstack
                  user:
                    token: devstack
                """.formatted(url);
    }
}
