package io.inferrouter.support;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Kubernetes client of a service, from its settings: an API server URL (no credentials, the mock API
 * server of tests and the devstack), a kubeconfig file, or fabric8's defaults (in-cluster, then
 * {@code ~/.kube/config}).
 */
public final class KubeClients {

    private KubeClients() {
    }

    /**
     * @param masterUrl      the API server URL, or null
     * @param kubeconfig     a kubeconfig file, or null
     * @param requestTimeout how long one API call may take, or null for fabric8's default
     * @param kubeconfigName how the kubeconfig setting is named in errors, e.g. {@code kubeconfig (INGESTOR_KUBECONFIG)}
     * @throws IllegalArgumentException when both are set or the kubeconfig cannot be read
     */
    public static KubernetesClient build(String masterUrl, Path kubeconfig, Duration requestTimeout,
                                         String kubeconfigName) {
        if (masterUrl != null && kubeconfig != null) {
            throw new IllegalArgumentException("set either a Kubernetes master URL or " + kubeconfigName + ", not both");
        }
        Config config;
        if (masterUrl != null) {
            config = new ConfigBuilder(Config.empty()).withMasterUrl(masterUrl).build();
        } else if (kubeconfig != null) {
            try {
                config = Config.fromKubeconfig(Files.readString(kubeconfig));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + kubeconfigName + " " + kubeconfig.toAbsolutePath()
                        + ": " + e, e);
            }
        } else {
            config = Config.autoConfigure(null);
        }
        if (requestTimeout != null) {
            int ms = (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
            config.setRequestTimeout(ms);
            config.setConnectionTimeout(ms);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
