package io.inferrouter.ingestor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.inferrouter.ingestor.kube.Kinds;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.topics.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two replicas with a Lease: one publishes, scrapes and follows the endpoints' KV events, the other stands
 * by and takes over.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class LeaderElectionIT {

    private static StateIngestor replica(KafkaEndpoint kafka, ApiServer api, String identity) {
        return replica(kafka, api.client(), identity);
    }

    private static StateIngestor replica(KafkaEndpoint kafka, KubernetesClient client, String identity) {
        IngestorConfig c = IngestorConfig.of(Map.ofEntries(Map.entry("kafka.bootstrap-servers", kafka.bootstrapServers()),
                Map.entry("namespaces", "elect"), Map.entry("http.port", "0"), Map.entry("identity", identity),
                Map.entry("leader-election.enabled", "true"), Map.entry("leader-election.namespace", "elect"),
                Map.entry("leader-election.lease-duration", "3s"), Map.entry("leader-election.renew-deadline", "2s"),
                Map.entry("leader-election.retry-period", "200ms"), Map.entry("scrape.timeout", "100ms"),
                Map.entry("scrape.max-backoff", "200ms")));
        return StateIngestor.start(c, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), client);
    }

    /**
     * A leader that stops renewing without releasing its Lease (killed, or cut off from the API server:
     * here every request of its client gets 503) stops leading within the renew deadline, and the standby
     * takes over once the lease runs out: within the lease duration of the last renewal, never both at once.
     */
    @Test
    void whenTheLeaderDiesWithoutReleasingTheStandbyTakesOverWithinTheLease(KafkaEndpoint kafka) throws Exception {
        try (ApiServer api = new ApiServer()) {
            api.namespace("elect");
            KubernetesClient clientA = api.newClient("crash-a");
            KubernetesClient clientB = api.newClient("crash-b");
            StateIngestor a = replica(kafka, clientA, "crash-a");
            StateIngestor b = replica(kafka, clientB, "crash-b");
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> a.leader() ^ b.leader());
                StateIngestor leader = a.leader() ? a : b;
                StateIngestor standby = a.leader() ? b : a;
                api.cutOff(leader == a ? "crash-a" : "crash-b");
                long cut = System.nanoTime();
                boolean[] both = new boolean[1];
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    both[0] |= leader.leader() && standby.leader();
                    return standby.leader();
                });
                long tookMs = (System.nanoTime() - cut) / 1_000_000;
                assertThat(both[0]).as("two leaders at once").isFalse();
                assertThat(leader.leader()).isFalse();
                // The lease (3 s) runs from the dead leader's last renewal, up to a retry period (200 ms) before the cut;
                // the standby tries every retry period.
                assertThat(tookMs).as("standby leading after ms").isLessThan(3_000 + 2 * 200 + 1_000);
            } finally {
                a.close();
                b.close();
                clientA.close();
                clientB.close();
            }
        }
    }

    @Test
    void oneReplicaScrapesAndPublishesAndTheOtherTakesOverWhenItStops(KafkaEndpoint kafka) throws Exception {
        try (ApiServer api = new ApiServer();
             TopicRecords<InferenceModel> models = new TopicRecords<>(kafka.bootstrapServers(), Topics.INFERENCE_MODELS)) {
            api.namespace("elect");
            api.create(Kinds.INFERENCE_POOL_V1, "elect", "pool", Map.of("selector", Map.of("matchLabels",
                    Map.of("app", "m")), "targetPorts", List.of(Map.of("number", 8000))));
            // Nothing listens on these addresses: the scrapes fail, which is enough to see who scrapes.
            api.pod("elect", "m-0", Map.of("app", "m"), "127.0.1.250", 8000, true);
            api.pod("elect", "m-1", Map.of("app", "m"), "127.0.1.251", 8000, true);
            StateIngestor a = replica(kafka, api, "replica-a");
            StateIngestor b = replica(kafka, api, "replica-b");
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> a.leader() ^ b.leader());
                StateIngestor leader = a.leader() ? a : b;
                StateIngestor standby = a.leader() ? b : a;
                Set<EndpointId> all = Set.of(EndpointId.parse("elect/m-0:8000"), EndpointId.parse("elect/m-1:8000"));
                await().atMost(Duration.ofSeconds(10)).until(() -> leader.scrapedEndpoints().equals(all));
                await().atMost(Duration.ofSeconds(10)).until(() -> a.ready() && b.ready());
                assertThat(standby.scrapedEndpoints()).as("no double scraping").isEmpty();
                await().atMost(Duration.ofSeconds(10)).until(() -> leader.kvEventEndpoints().equals(all));
                assertThat(standby.kvEventEndpoints()).as("each endpoint's KV events followed once").isEmpty();

                api.create(Kinds.INFERENCE_MODEL, "elect", "m", Map.of("modelName", "m", "poolRef", Map.of("name", "pool")));
                await().atMost(Duration.ofSeconds(10)).until(() -> models.latest("elect/m") != null);
                assertThat(models.values("elect/m")).as("only the leader publishes").hasSize(1);
                assertThat(models.latest("elect/m").source()).endsWith(leader == a ? "replica-a" : "replica-b");

                leader.close();
                await().atMost(Duration.ofSeconds(15)).until(standby::leader);
                await().atMost(Duration.ofSeconds(10)).until(() -> standby.scrapedEndpoints().equals(all));
                await().atMost(Duration.ofSeconds(10)).until(() -> standby.kvEventEndpoints().equals(all));
                api.delete(Kinds.INFERENCE_MODEL, "elect", "m");
                await().atMost(Duration.ofSeconds(10)).until(() -> models.tombstoned("elect/m"));
            } finally {
                a.close();
                b.close();
            }
        }
    }
}
