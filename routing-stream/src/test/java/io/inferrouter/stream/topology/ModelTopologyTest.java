package io.inferrouter.stream.topology;

import static io.inferrouter.stream.topology.Resources.model;
import static io.inferrouter.stream.topology.Resources.objective;
import static io.inferrouter.stream.topology.Resources.pool;
import static io.inferrouter.stream.topology.Resources.rewrite;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.ResourceMeta;
import io.inferrouter.schemas.resources.TargetModel;
import io.inferrouter.schemas.tables.RowStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModelTopologyTest {

    private final TopologyFixture t = new TopologyFixture();

    @AfterEach
    void close() {
        t.close();
    }

    private void llamaPool() {
        t.pools.pipeInput("llm/llama", pool("llm", "llama", Map.of("app", "llama"), 10, 8000), 10);
    }

    @Test
    void aModelOfAnExistingPoolIsAccepted() {
        llamaPool();
        t.models.pipeInput("llm/chat", model("llm", "chat", "chat", "llama", 20,
                new TargetModel("v1", 90), new TargetModel("v2", 10)), 20);
        var row = t.models().get("llm/chat");
        assertThat(row.status()).isEqualTo(RowStatus.Accepted);
        assertThat(row.pool()).isEqualTo(ResourceKey.parse("llm/llama"));
        assertThat(row.targets()).extracting(TargetModel::weight).containsExactly(90, 10);
    }

    @Test
    void twoModelsWithTheSameNameTheOldestWins() {
        llamaPool();
        t.models.pipeInput("llm/newer", model("llm", "newer", "chat", "llama", 200), 200);
        t.models.pipeInput("llm/older", model("llm", "older", "chat", "llama", 100), 210);
        assertThat(t.models().get("llm/older").status()).isEqualTo(RowStatus.Accepted);
        assertThat(t.models().get("llm/newer").status()).isEqualTo(RowStatus.ModelNameInUse);
        assertThat(t.models().get("llm/newer").reasons()).anyMatch(r -> r.contains("llm/older"));

        t.models.pipeInput("llm/older", null, 300);
        assertThat(t.models()).containsOnlyKeys("llm/newer");
        assertThat(t.models().get("llm/newer").status()).isEqualTo(RowStatus.Accepted);
    }

    @Test
    void theSameNameInTwoPoolsIsNoConflict() {
        llamaPool();
        t.pools.pipeInput("llm/qwen", pool("llm", "qwen", Map.of("app", "qwen"), 10, 8000), 10);
        t.models.pipeInput("llm/a", model("llm", "a", "chat", "llama", 100), 100);
        t.models.pipeInput("llm/b", model("llm", "b", "chat", "qwen", 200), 200);
        assertThat(t.models().values()).allMatch(r -> r.status() == RowStatus.Accepted);
    }

    @Test
    void aModelThatChangesNameOrPoolLeavesItsOldGroup() {
        llamaPool();
        t.pools.pipeInput("llm/qwen", pool("llm", "qwen", Map.of("app", "qwen"), 10, 8000), 10);
        t.models.pipeInput("llm/older", model("llm", "older", "chat", "llama", 100), 100);
        t.models.pipeInput("llm/newer", model("llm", "newer", "chat", "llama", 200), 200);
        assertThat(t.models().get("llm/newer").status()).isEqualTo(RowStatus.ModelNameInUse);

        // Renamed: the name is free for the younger model.
        t.models.pipeInput("llm/older", model("llm", "older", "chat-v2", "llama", 100), 300);
        assertThat(t.models().get("llm/newer").status()).isEqualTo(RowStatus.Accepted);
        assertThat(t.models().get("llm/older").status()).isEqualTo(RowStatus.Accepted);

        // Back to the old name: the older model wins it again.
        t.models.pipeInput("llm/older", model("llm", "older", "chat", "llama", 100), 400);
        assertThat(t.models().get("llm/older").status()).isEqualTo(RowStatus.Accepted);
        assertThat(t.models().get("llm/newer").status()).isEqualTo(RowStatus.ModelNameInUse);

        // Moved to the other pool: no conflict left in either.
        t.models.pipeInput("llm/older", model("llm", "older", "chat", "qwen", 100), 500);
        assertThat(t.models().values()).allMatch(r -> r.status() == RowStatus.Accepted);
        assertThat(t.models().get("llm/older").pool()).isEqualTo(ResourceKey.parse("llm/qwen"));

        // Deleting the pool marks only its model unresolved.
        t.pools.pipeInput("llm/qwen", null, 600);
        assertThat(t.models().get("llm/older").status()).isEqualTo(RowStatus.UnresolvedRefs);
        assertThat(t.models().get("llm/newer").status()).isEqualTo(RowStatus.Accepted);
    }

    @Test
    void aModelOfAMissingPoolIsUnresolvedUntilThePoolAppears() {
        t.models.pipeInput("llm/chat", model("llm", "chat", "chat", "llama", 20), 20);
        assertThat(t.models().get("llm/chat").status()).isEqualTo(RowStatus.UnresolvedRefs);
        llamaPool();
        assertThat(t.models().get("llm/chat").status()).isEqualTo(RowStatus.Accepted);
        t.pools.pipeInput("llm/llama", null, 30);
        assertThat(t.models().get("llm/chat").status()).isEqualTo(RowStatus.UnresolvedRefs);
    }

    @Test
    void weightsOnSomeTargetsButNotOthersAreInvalid() {
        llamaPool();
        t.models.pipeInput("llm/chat", model("llm", "chat", "chat", "llama", 20,
                new TargetModel("v1", 90), new TargetModel("v2", null)), 20);
        assertThat(t.models().get("llm/chat").status()).isEqualTo(RowStatus.Invalid);
    }

    @Test
    void anInvalidModelDoesNotTakeTheNameFromAValidYoungerOne() {
        llamaPool();
        t.models.pipeInput("llm/old-bad", model("llm", "old-bad", "chat", "llama", 10,
                new TargetModel("v1", 1), new TargetModel("v2", null)), 10);
        t.models.pipeInput("llm/young", model("llm", "young", "chat", "llama", 20), 20);
        assertThat(t.models().get("llm/young").status()).isEqualTo(RowStatus.Accepted);
    }

    @Test
    void objectivesCarryTheirPriorityAndPoolStatus() {
        t.objectives.pipeInput("llm/batch", objective("llm", "batch", "llama", -5, 10), 10);
        assertThat(t.objectives().get("llm/batch").status()).isEqualTo(RowStatus.UnresolvedRefs);
        llamaPool();
        var row = t.objectives().get("llm/batch");
        assertThat(row.status()).isEqualTo(RowStatus.Accepted);
        assertThat(row.priority()).isEqualTo(-5);
        t.objectives.pipeInput("llm/default", objective("llm", "default", "llama", null, 20), 20);
        assertThat(t.objectives().get("llm/default").priority()).isZero();
    }

    @Test
    void aTombstoneOfAnExistingObjectiveRemovesItsRowForGood() {
        // given two objectives of an existing pool
        llamaPool();
        t.objectives.pipeInput("llm/batch", objective("llm", "batch", "llama", -5, 20), 20);
        t.objectives.pipeInput("llm/online", objective("llm", "online", "llama", 10, 20), 20);
        assertThat(t.objectives()).containsOnlyKeys("llm/batch", "llm/online");

        // when one is deleted, and then its pool changes (which re-resolves the pool's objectives)
        t.objectives.pipeInput("llm/batch", null, 30);
        Map<String, ?> afterDelete = t.objectives();
        t.pools.pipeInput("llm/llama", pool("llm", "llama", Map.of("app", "llama2"), 40, 8000), 40);

        // then its row is tombstoned, the other stays, and the pool change does not bring it back
        assertThat(afterDelete).containsOnlyKeys("llm/online");
        assertThat(t.objectives()).containsOnlyKeys("llm/online");
        assertThat(t.objectives().get("llm/online").priority()).isEqualTo(10);
    }

    @Test
    void rewritesAreCheckedAndResolved() {
        llamaPool();
        t.rewrites.pipeInput("llm/alias", rewrite("llm", "alias", "llama", "gpt-4o", 20,
                new InferenceModelRewrite.Target("chat", 70), new InferenceModelRewrite.Target("small", 30)), 20);
        assertThat(t.rewrites().get("llm/alias").status()).isEqualTo(RowStatus.Accepted);
        t.rewrites.pipeInput("llm/half", rewrite("llm", "half", "llama", "x", 20,
                new InferenceModelRewrite.Target("chat", 70), new InferenceModelRewrite.Target("small", null)), 20);
        assertThat(t.rewrites().get("llm/half").status()).isEqualTo(RowStatus.Invalid);
        t.rewrites.pipeInput("llm/alias", null, 30);
        assertThat(t.rewrites()).containsOnlyKeys("llm/half");
    }

    @Test
    void aRewriteWithoutAPoolRefIsInvalidAndResolvesToNoPool() {
        llamaPool();
        InferenceModelRewrite noPool = new InferenceModelRewrite(new ResourceMeta("llm", "loose", null, null, 1, 20),
                null, rewrite("llm", "loose", "llama", "x", 20, new InferenceModelRewrite.Target("chat", 1)).rules(),
                List.of(), 20, Resources.SRC);
        t.rewrites.pipeInput("llm/loose", noPool, 20);
        var row = t.rewrites().get("llm/loose");
        assertThat(row.status()).isEqualTo(RowStatus.Invalid);
        assertThat(row.reasons()).containsExactly("poolRef is required");
        assertThat(row.pool()).isNull();
        assertThat(new String(t.allTablesAsWritten().get("rewrites").get("llm/loose").get(), StandardCharsets.UTF_8))
                .as("as version 1 wrote it").contains("\"pool\":\"(none)\"");
    }
}
