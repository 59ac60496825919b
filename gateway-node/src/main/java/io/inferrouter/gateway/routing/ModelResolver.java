package io.inferrouter.gateway.routing;

import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.gateway.tables.RoutingSnapshot;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.RouteRow;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Turns a request's model, path, headers and objective into a {@link Target}:
 * <ol>
 *   <li>an HTTPRoute rule that matches the request picks the pool (by weight);</li>
 *   <li>else an InferenceModelRewrite for the model name picks the pool, else the InferenceModel that
 *       claims the name does (the first pool by key when several serve it);</li>
 *   <li>in that pool, a rewrite rule for the name replaces it (by weight), then the InferenceModel of
 *       the name sets criticality and splits traffic between its targetModels (by weight);</li>
 *   <li>the objective header names an InferenceObjective of that pool, whose priority applies.</li>
 * </ol>
 * A name nothing claims is a 404; a route's pool passes unclaimed names through as they are.
 */
public final class ModelResolver {

    private final RandomGenerator random;

    public ModelResolver(RandomGenerator random) {
        this.random = random;
    }

    public Target resolve(RoutingSnapshot s, String model, String path, String method,
                          Function<String, String> header, String objective) {
        ResourceKey pool = null;
        List<RouteRow.WeightedPool> routed = RouteMatcher.match(s.routes(), path, method, header);
        if (routed != null) {
            pool = Weighted.pick(routed, RouteRow.WeightedPool::weight, random).pool();
        } else {
            List<RoutingSnapshot.RewriteMatch> rewrites = s.rewritesByName().get(model);
            List<ModelRow> models = s.modelsByName().get(model);
            if (rewrites != null && !rewrites.isEmpty()) {
                pool = rewrites.get(0).pool();
            } else if (models != null && !models.isEmpty()) {
                pool = models.get(0).pool();
            }
        }
        if (pool == null) {
            throw GatewayException.notFound("model '" + model + "' is not served here: no InferenceModel, "
                    + "InferenceModelRewrite or HTTPRoute routes it to a pool");
        }
        String name = rewrite(s, pool, model);
        ModelRow row = inPool(s.modelsByName().get(name), pool);
        String target = name;
        Criticality criticality = Criticality.Standard;
        if (row != null) {
            criticality = row.criticality();
            if (!row.targets().isEmpty()) {
                target = Weighted.pick(row.targets(), t -> t.weight() == null ? 1 : t.weight(), random).name();
            }
        }
        int priority = 0;
        String objectiveName = null;
        if (objective != null && !objective.isBlank()) {
            objectiveName = objective;
            ObjectiveRow o = s.objective(pool, objective);
            if (o != null) {
                priority = o.priority();
            }
        }
        return new Target(pool, model, target, criticality, objectiveName, priority);
    }

    private String rewrite(RoutingSnapshot s, ResourceKey pool, String model) {
        List<RoutingSnapshot.RewriteMatch> matches = s.rewritesByName().get(model);
        if (matches == null) {
            return model;
        }
        for (RoutingSnapshot.RewriteMatch m : matches) {
            if (m.pool().equals(pool)) {
                List<InferenceModelRewrite.Target> targets = m.rewrite().rules().get(m.rule()).targets();
                return Weighted.pick(targets, t -> t.weight() == null ? 1 : t.weight(), random).modelRewrite();
            }
        }
        return model;
    }

    private static ModelRow inPool(List<ModelRow> rows, ResourceKey pool) {
        if (rows == null) {
            return null;
        }
        for (ModelRow r : rows) {
            if (r.pool().equals(pool)) {
                return r;
            }
        }
        return null;
    }
}
