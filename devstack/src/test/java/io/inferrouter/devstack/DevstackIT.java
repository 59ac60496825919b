package io.inferrouter.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevstackIT {

    @Test
    void startsTheBrokerCreatesEveryTopicAndRestartsOnItsOwnData(@TempDir Path dir) throws Exception {
        DevstackConfig config = config(dir, false);
        try (Devstack stack = Devstack.start(config)) {
            assertThat(topicNames(stack)).containsAll(Topics.all().stream().map(Topic::name).toList());
            assertThat(Banner.of(stack)).contains(stack.bootstrapServers());
        }
        try (Devstack again = Devstack.start(config)) {
            assertThat(topicNames(again)).containsAll(Topics.all().stream().map(Topic::name).toList());
        }
        DevstackConfig clean = config(dir, true);
        try (Devstack fresh = Devstack.start(clean)) {
            assertThat(topicNames(fresh)).hasSizeGreaterThanOrEqualTo(Topics.all().size());
        }
    }

    /** Every port free, seeded from the test manifests. */
    private static DevstackConfig config(Path dir, boolean clean) {
        return new DevstackConfig(dir.resolve("data"), clean, "127.0.0.1", 0, null, (short) 1, 0, 0, 0, 0, null,
                java.util.List.of(Path.of("src", "test", "resources", "seed")), 0, 0, "127.0.1.1", 8000, 1.0,
                java.util.List.of(), "precise", 1);
    }

    private static Set<String> topicNames(Devstack stack) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            return admin.listTopics().names().get();
        }
    }
}
