package io.inferrouter.gateway.api;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.gateway.decisions.DecisionLog;
import io.inferrouter.gateway.decisions.DecisionRecorder;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.proxy.HeaderPolicy;
import io.inferrouter.gateway.proxy.ResponseRelay;
import io.inferrouter.gateway.proxy.UpstreamBrokenException;
import io.inferrouter.gateway.proxy.UpstreamProxy;
import io.inferrouter.gateway.routing.ModelResolver;
import io.inferrouter.gateway.routing.Target;
import io.inferrouter.gateway.scheduler.Decision;
import io.inferrouter.gateway.scheduler.Profiles;
import io.inferrouter.gateway.scheduler.SaturationDetector;
import io.inferrouter.gateway.scheduler.Scheduler;
import io.inferrouter.gateway.scheduler.SchedulingRequest;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.PoolSnapshot;
import io.inferrouter.gateway.tables.RoutingSnapshot;
import io.inferrouter.gateway.tables.Tables;
import io.inferrouter.schemas.resources.FailureMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible API: {@code POST /v1/completions}, {@code POST /v1/chat/completions}
 * (streaming or not) and {@code GET /v1/models}. Each request is parsed once, resolved to a pool
 * and target model, scheduled on an immutable table snapshot, proxied, and logged as a decision.
 */
public final class InferenceService implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);

    public static final HeaderName OBJECTIVE = HeaderNames.create("x-gateway-inference-objective");
    public static final HeaderName FAIRNESS_ID = HeaderNames.create("x-gateway-inference-fairness-id");
    public static final HeaderName PROFILE = HeaderNames.create("x-gateway-scheduler-profile");
    public static final HeaderName ENDPOINT = HeaderNames.create("x-gateway-endpoint");
    public static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    /** The metrics' model tag for names the tables do not claim. */
    public static final String UNKNOWN_MODEL = "unknown";

    private final GatewayConfig config;
    private final Tables tables;
    // ThreadLocalRandom.current() belongs to the calling thread, so it is asked for on every draw.
    private final ModelResolver resolver = new ModelResolver(() -> ThreadLocalRandom.current().nextLong());
    private final Profiles profiles;
    private final SaturationDetector saturation;
    private final UpstreamProxy proxy;
    private final DecisionRecorder decisions;
    private final GatewayMetrics metrics;

    public InferenceService(GatewayConfig config, Tables tables, Profiles profiles, UpstreamProxy proxy,
                            DecisionLog decisionLog, GatewayMetrics metrics) {
        this.config = config;
        this.tables = tables;
        this.profiles = profiles;
        this.saturation = new SaturationDetector(config.saturationQueue(), config.saturationKvCache(),
                config.metricsStaleness().toMillis());
        this.proxy = proxy;
        this.decisions = new DecisionRecorder(config.nodeId(), config.decisionMaxCandidates(), decisionLog);
        this.metrics = metrics;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/completions", (req, res) -> infer(req, res, InferenceRequest.Kind.COMPLETIONS))
                .post("/v1/chat/completions", (req, res) -> infer(req, res, InferenceRequest.Kind.CHAT))
                .get("/v1/models", this::models);
    }

    private void models(ServerRequest req, ServerResponse res) {
        RoutingSnapshot s = tables.current();
        Map<String, List<String>> pools = new java.util.TreeMap<>();
        s.modelsByName().forEach((name, rows) -> rows.forEach(r ->
                pools.computeIfAbsent(name, n -> new ArrayList<>()).add(r.pool().toString())));
        s.rewritesByName().forEach((name, matches) -> matches.forEach(m ->
                pools.computeIfAbsent(name, n -> new ArrayList<>()).add(m.pool().toString())));
        var root = io.inferrouter.schemas.serde.Json.mapper().createObjectNode();
        root.put("object", "list");
        var data = root.putArray("data");
        pools.forEach((name, ps) -> {
            var m = data.addObject();
            m.put("id", name);
            m.put("object", "model");
            m.put("created", 0);
            m.put("owned_by", "inference-router");
            var arr = m.putArray("pools");
            ps.stream().distinct().sorted().forEach(arr::add);
        });
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(root.toString());
    }

    private void infer(ServerRequest req, ServerResponse res, InferenceRequest.Kind kind) {
        long started = System.nanoTime();
        DecisionRecorder.Draft draft = decisions.start(requestId(req), System.currentTimeMillis());
        res.header(REQUEST_ID, draft.requestId());
        int status = 500;
        try {
            status = handle(req, res, kind, draft, started);
        } catch (GatewayException e) {
            status = e.status();
            draft.error(e.type());
            ErrorResponses.send(res, e);
        } catch (RuntimeException e) {
            status = 500;
            draft.error("internal_error");
            LOG.error("request failed requestId={} error={}", draft.requestId(), e.toString(), e);
            ErrorResponses.send(res, new GatewayException(500, "internal_error", "internal_error",
                    "the gateway failed to handle the request (request id " + draft.requestId() + ")"));
        } finally {
            long total = System.nanoTime() - started;
            metrics.requestEnded(modelTag(draft.model()), draft.pool(), status, total);
            decisions.finish(draft, status, total);
        }
    }

    /** @return the status sent to the client */
    private int handle(ServerRequest req, ServerResponse res, InferenceRequest.Kind kind, DecisionRecorder.Draft draft,
                       long started) {
        if (!tables.ready()) {
            throw GatewayException.unavailable("tables_not_loaded",
                    "the gateway is still loading its routing tables; retry shortly");
        }
        InferenceRequest request = InferenceRequest.parse(kind, readBody(req));
        RoutingSnapshot snapshot = tables.current();
        String objective = req.headers().first(OBJECTIVE).orElse(null);
        draft.request(request.model(), request.stream(), objective, req.headers().first(FAIRNESS_ID).orElse(null));
        Target target = resolver.resolve(snapshot, request.model(), req.path().path(), "POST",
                name -> req.headers().first(HeaderNames.create(name)).orElse(null), objective);
        draft.target(target);
        PoolSnapshot pool = snapshot.pools().get(target.pool());
        if (pool == null || pool.endpoints().isEmpty()) {
            throw GatewayException.unavailable("no_ready_endpoint", "pool " + target.pool() + " has no ready endpoint");
        }
        long now = System.currentTimeMillis();
        Scheduler scheduler = scheduler(req);
        Decision decision;
        if (now - tables.lastContactMs() > config.tableStaleness().toMillis()) {
            decision = whenTablesStale(pool, scheduler.profile());
        } else {
            if (target.sheddable() && saturation.saturated(pool, now)) {
                metrics.shed(pool.key());
                throw GatewayException.shed("pool " + pool.key() + " is saturated and the request is sheddable; "
                        + "retry later");
            }
            decision = scheduler.schedule(new SchedulingRequest(target.targetModel(), request.prompt(),
                    target.sheddable(), target.critical()), pool, now);
        }
        metrics.decisionTime(pool.key(), decision.nanos());
        draft.decision(decision, now);
        UpstreamProxy.Opened opened = proxy.open(decision.ranked(), req.path().path(),
                request.bodyFor(target.targetModel()), upstreamHeaders(req, draft.requestId()));
        try {
            if (opened.attempts() > 1) {
                metrics.retried(pool.key());
            }
            draft.chosen(opened.endpoint(), opened.attempts());
            return relay(res, opened, request, target, draft, started);
        } finally {
            opened.finish();
        }
    }

    /** FailOpen: any endpoint in random order; FailClose: refuse. Tables are stale when Kafka is out of reach. */
    private Decision whenTablesStale(PoolSnapshot pool, String profile) {
        if (pool.failureMode() == FailureMode.FailClose) {
            throw GatewayException.unavailable("tables_stale", "the routing tables for pool " + pool.key()
                    + " are stale (Kafka out of reach) and the pool fails closed");
        }
        List<Endpoint> shuffled = new ArrayList<>(pool.endpoints());
        Collections.shuffle(shuffled, ThreadLocalRandom.current());
        return new Decision(profile + "/fail-open", shuffled, List.of(), List.of(), 0);
    }

    private int relay(ServerResponse res, UpstreamProxy.Opened opened, InferenceRequest request, Target target,
                      DecisionRecorder.Draft draft, long started) {
        var upstream = opened.response();
        int status = upstream.status().code();
        if (status >= 500) {
            throw GatewayException.badGateway("endpoint " + opened.endpoint().id() + " answered " + status);
        }
        res.status(Status.create(status));
        res.header(ENDPOINT, opened.endpoint().idText());
        for (Header h : upstream.headers()) {
            if (HeaderPolicy.forwardDownstream(h.name())) {
                res.header(h);
            }
        }
        ResponseRelay relay = new ResponseRelay(request.model(), target.targetModel());
        boolean events = upstream.headers().contentType()
                .map(ct -> ct.text().startsWith("text/event-stream")).orElse(false);
        InputStream in = upstream.inputStream();
        if (events) {
            try (OutputStream out = res.outputStream()) {
                try {
                    relay.relayEvents(in, out);
                    // The upstream body is read to its end: free the connection before the client's stream ends.
                    opened.finish();
                } catch (UpstreamBrokenException e) {
                    // Headers and some events are out: end the stream cleanly with an error event.
                    draft.error("upstream_broken");
                    out.write(("data: " + new String(ErrorResponses.body(
                            "the model server's stream broke: " + e.getMessage(), "upstream_error", "stream_broken"),
                            StandardCharsets.UTF_8) + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                draft.error("client_disconnected");
                LOG.debug("client went away mid-stream requestId={} error={}", draft.requestId(), e.toString());
            }
        } else {
            byte[] body;
            try {
                body = relay.relayBody(in, config.maxResponseBytes());
            } catch (IOException e) {
                throw GatewayException.badGateway("endpoint " + opened.endpoint().id() + " response failed: "
                        + e.getMessage());
            }
            opened.finish();
            res.send(body);
        }
        String modelTag = modelTag(request.model());
        if (relay.firstByteNanos() > 0) {
            long ttft = relay.firstByteNanos() - started;
            metrics.firstByte(modelTag, target.pool(), ttft);
            draft.firstByte(ttft);
        }
        var usage = relay.usage();
        metrics.tokens(modelTag, target.pool(), usage.promptTokens() == null ? 0 : usage.promptTokens(),
                usage.outputTokens());
        draft.usage(usage);
        return status;
    }

    private Scheduler scheduler(ServerRequest req) {
        if (config.allowProfileHeader()) {
            Optional<String> asked = req.headers().first(PROFILE);
            if (asked.isPresent()) {
                Scheduler s = profiles.get(asked.get());
                if (s == null) {
                    throw GatewayException.badRequest("unknown scheduler profile '" + asked.get() + "'; known: "
                            + profiles.names());
                }
                return s;
            }
        }
        return profiles.get(config.defaultProfile());
    }

    private byte[] readBody(ServerRequest req) {
        int limit = config.maxBodyBytes();
        if (req.headers().contentLength().orElse(0) > limit) {
            throw GatewayException.tooLarge("request body is larger than " + limit + " bytes");
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw GatewayException.tooLarge("request body is larger than " + limit + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw GatewayException.badRequest("request body cannot be read: " + e.getMessage());
        }
    }

    private static Map<String, List<String>> upstreamHeaders(ServerRequest req, String requestId) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : req.headers()) {
            if (HeaderPolicy.forwardUpstream(h.name())) {
                headers.put(h.name(), h.allValues());
            }
        }
        headers.put(REQUEST_ID.defaultCase(), List.of(requestId));
        return headers;
    }

    private static String requestId(ServerRequest req) {
        return req.headers().first(REQUEST_ID)
                .filter(id -> !id.isBlank() && id.length() <= 128 && id.chars().allMatch(c -> c > 32 && c < 127))
                .orElseGet(RequestIds::next);
    }

    /**
     * The model as a metric tag: only names the tables claim, so a client cannot grow the number of
     * series by sending made-up names (they are 404s, or pass through an HTTPRoute as they are).
     */
    private String modelTag(String model) {
        if (model == null) {
            return "none";
        }
        RoutingSnapshot s = tables.current();
        return s.modelsByName().containsKey(model) || s.rewritesByName().containsKey(model) ? model : UNKNOWN_MODEL;
    }
}
