package io.inferrouter.gateway.director;

import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.gateway.decisions.DecisionRecorder;
import io.inferrouter.gateway.decisions.DecisionSink;
import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.gateway.proxy.HeaderPolicy;
import io.inferrouter.gateway.proxy.ResponseRelay;
import io.inferrouter.gateway.proxy.UpstreamBrokenException;
import io.inferrouter.gateway.proxy.UpstreamProxy;
import io.inferrouter.gateway.proxy.Usage;
import io.inferrouter.gateway.routing.ModelResolver;
import io.inferrouter.gateway.routing.Target;
import io.inferrouter.gateway.scheduler.Decision;
import io.inferrouter.gateway.scheduler.PrecisePrefixCacheScorer;
import io.inferrouter.gateway.scheduler.Profiles;
import io.inferrouter.gateway.scheduler.SaturationDetector;
import io.inferrouter.gateway.scheduler.Scheduler;
import io.inferrouter.gateway.scheduler.SchedulingContext;
import io.inferrouter.gateway.scheduler.SchedulingRequest;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.PoolSnapshot;
import io.inferrouter.gateway.tables.RoutingSnapshot;
import io.inferrouter.gateway.tables.Tables;
import io.inferrouter.schemas.resources.ResourceKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request control, apart from the protocol (GIE's director): takes one inference request from parse to
 * its last byte, with no server types, so an HTTP adapter (or another protocol) only reads the request
 * and writes what it is given. The stages, in order:
 * <ol>
 *   <li>parse: the body, once (413, 400); until the tables have caught up once, 503;</li>
 *   <li>resolve: model, routes, rewrites, traffic split and objective to a {@link Target} (404), a pool
 *       with endpoints (503) and a scheduler profile (400);</li>
 *   <li>admission ({@link Admission}): stale tables fail open or closed (503), a sheddable request to
 *       a saturated pool is shed (429);</li>
 *   <li>scheduling: the profile ranks the endpoints in a {@link SchedulingContext} that lives to the
 *       end of the request;</li>
 *   <li>pre-request: the decision is recorded and timed;</li>
 *   <li>proxy: the ranking is tried in order, retrying on the next endpoint before the first byte
 *       (502, 504);</li>
 *   <li>response received: the endpoint that actually answered is told to the profile's plugins (the
 *       prefix index learns it), retries are counted;</li>
 *   <li>the adapter relays the answer through {@link #body} or {@link #relayEvents};</li>
 *   <li>response complete ({@link #complete}): the upstream is released, metrics and the decision
 *       event are written.</li>
 * </ol>
 * Every refusal is a {@link GatewayException} recorded in the exchange before it is thrown; the
 * adapter maps it to HTTP in one place. Nothing here does I/O or takes a lock except the proxy call
 * and the relay.
 */
public final class Director {

    private static final Logger LOG = LoggerFactory.getLogger(Director.class);
    /** The metrics' model tag for names the tables do not claim. */
    public static final String UNKNOWN_MODEL = "unknown";
    /** The decision's outcome when a stream broke after it started and the response was aborted. */
    public static final String STREAM_ABORTED = "stream_aborted";
    /** The decision's outcome when the client went away before its answer was written. */
    public static final String CLIENT_DISCONNECTED = "client_disconnected";

    private final Tables tables;
    private final Profiles profiles;
    private final String defaultProfile;
    private final boolean allowProfileHeader;
    private final int maxBodyBytes;
    private final int promptChars;
    private final int maxResponseBytes;
    // ThreadLocalRandom.current() belongs to the calling thread, so it is asked for on every draw.
    private final ModelResolver resolver = new ModelResolver(() -> ThreadLocalRandom.current().nextLong());
    private final Admission admission;
    private final UpstreamProxy proxy;
    private final DecisionRecorder decisions;
    private final GatewayMetrics metrics;

    /** @param decisionLog where decision events go; null when the decision log is disabled */
    public Director(GatewayConfig config, Tables tables, Profiles profiles, UpstreamProxy proxy,
                    DecisionSink decisionLog, GatewayMetrics metrics) {
        this.tables = tables;
        this.profiles = profiles;
        this.defaultProfile = config.defaultProfile();
        this.allowProfileHeader = config.allowProfileHeader();
        this.maxBodyBytes = config.maxBodyBytes();
        // Prompts are kept longer only when requests can reach the precise scorer, which tokenizes them.
        this.promptChars = Profiles.usesScorer(config, PrecisePrefixCacheScorer.NAME)
                ? InferenceRequest.promptCharsFor(config.prefixMaxBlocks(), config.precisePrefix().maxTokens())
                : InferenceRequest.promptCharsFor(config.prefixMaxBlocks());
        this.maxResponseBytes = config.maxResponseBytes();
        this.admission = new Admission(tables, config.tableStaleness().toMillis(),
                new SaturationDetector(config.saturationQueue(), config.saturationKvCache(),
                        config.metricsStaleness().toMillis()), metrics);
        this.proxy = proxy;
        this.decisions = new DecisionRecorder(config.nodeId(), config.decisionMaxCandidates(), decisionLog);
        this.metrics = metrics;
    }

    /** Starts one request's exchange: its clock and its decision draft. Call {@link #complete} at its end. */
    public Exchange start(String requestId, InferenceRequest.Kind kind, String path, RequestHeaders headers) {
        return new Exchange(requestId, kind, path, headers, System.nanoTime(),
                decisions.start(requestId, System.currentTimeMillis()));
    }

    /**
     * Routes the request and opens the upstream answer: on return the exchange holds a response head
     * below 500 whose body the adapter relays with {@link #body} or {@link #relayEvents}.
     *
     * @param body          the request body, read here up to {@code max-body-bytes}
     * @param contentLength the declared body length, or -1
     * @throws GatewayException every refusal, already recorded in the exchange
     */
    public void route(Exchange x, InputStream body, long contentLength) {
        try {
            if (!tables.ready()) {
                throw GatewayException.unavailable("tables_not_loaded",
                        "the gateway is still loading its routing tables; retry shortly");
            }
            InferenceRequest request = parse(x, body, contentLength);
            RoutingSnapshot snapshot = tables.current();
            Target target = resolver.resolve(snapshot, request.model(), x.path(), "POST", x.headers()::first,
                    x.headers().first(RequestHeaders.OBJECTIVE));
            x.resolved(target);
            PoolSnapshot pool = snapshot.pools().get(target.pool());
            if (pool == null || pool.endpoints().isEmpty()) {
                throw GatewayException.unavailable("no_ready_endpoint", "pool " + target.pool()
                        + " has no ready endpoint");
            }
            Scheduler scheduler = scheduler(x.headers());
            long now = System.currentTimeMillis();
            SchedulingContext scheduling = new SchedulingContext(new SchedulingRequest(target.targetModel(),
                    request.prompt(), request.promptForm(), request.promptCut(), target.sheddable(), target.critical()),
                    pool, now);
            x.scheduling(scheduler, scheduling);
            x.draft().cycle(scheduling);
            Decision decision = switch (admission.admit(scheduling, target, x.draft())) {
                case SCHEDULE -> scheduler.schedule(scheduling);
                case FAIL_OPEN -> failOpen(pool, scheduler.profile());
            };
            preRequest(x, decision, now);
            responseReceived(x, proxy.open(decision.ranked(), x.path(), request.bodyFor(target.targetModel()),
                    upstreamHeaders(x), x.draft()));
        } catch (GatewayException e) {
            x.failed(e);
            throw e;
        } catch (RuntimeException e) {
            throw failed(x, e);
        }
    }

    /**
     * Reads the whole (not streamed) answer, with the client's model name put back.
     *
     * @throws GatewayException 502 when the model server's body broke or is too large
     */
    public byte[] body(Exchange x) {
        try {
            byte[] body = x.relay().relayBody(x.opened().response().body(), x.opened().response().contentLength(),
                    maxResponseBytes);
            x.relayStarted();
            x.opened().finish();
            return body;
        } catch (IOException e) {
            GatewayException failure = GatewayException.badGateway("endpoint " + x.opened().endpoint().id()
                    + " response failed: " + e.getMessage());
            x.failed(failure);
            throw failure;
        }
    }

    /**
     * Relays a streamed answer event by event. When the model server's stream breaks part-way, the
     * client gets the events that arrived, then an SSE error event in OpenAI's shape, and the body is
     * left open: the adapter must abort the response so that HTTP itself shows the cut. On
     * {@link StreamEnd#COMPLETE} {@code client} has been closed (the body ended properly).
     *
     * @param client the response body; its write failures must be IOExceptions
     */
    public StreamEnd relayEvents(Exchange x, OutputStream client) {
        x.relayStarted();
        try {
            x.relay().relayEvents(x.opened().response().body(), client);
        } catch (UpstreamBrokenException e) {
            x.error(STREAM_ABORTED);
            metrics.streamAborted(x.target().pool());
            LOG.debug("stream aborted, the model server's stream broke requestId={} endpoint={} error={}",
                    x.requestId(), x.servedBy(), e.getMessage());
            try {
                if (x.relay().midEvent()) {
                    client.write('\n');
                }
                client.write(ResponseRelay.errorEvent("the model server's stream broke: " + e.getMessage()));
                client.flush();
            } catch (IOException gone) {
                LOG.debug("client went away before the stream's error event requestId={}", x.requestId());
            }
            return StreamEnd.UPSTREAM_BROKEN;
        } catch (IOException e) {
            return clientGone(x, e);
        }
        // The upstream body is read to its end: free the connection before the client's stream ends.
        x.opened().finish();
        try {
            client.close();
            return StreamEnd.COMPLETE;
        } catch (IOException e) {
            return clientGone(x, e);
        }
    }

    /**
     * Records a fault of the gateway's own (a bug) in the exchange and logs it with its stack trace.
     *
     * @return the 500 to throw in its place
     */
    public GatewayException failed(Exchange x, RuntimeException e) {
        LOG.error("request failed requestId={} error={}", x.requestId(), e.toString(), e);
        GatewayException internal = GatewayException.internal(x.requestId());
        x.failed(internal);
        return internal;
    }

    /**
     * Ends the exchange however it went: releases the upstream (and the endpoint's in-flight count),
     * then the post-response hooks: metrics and the decision event. Only the first call acts.
     */
    public void complete(Exchange x) {
        if (!x.complete()) {
            return;
        }
        if (x.opened() != null) {
            x.opened().finish();
        }
        long total = System.nanoTime() - x.startedNanos();
        DecisionRecorder.Draft draft = x.draft();
        String modelTag = modelTag(draft.model());
        ResourceKey pool = draft.pool();
        if (x.relayed()) {
            ResponseRelay relay = x.relay();
            if (relay.firstByteNanos() > 0) {
                long ttft = relay.firstByteNanos() - x.startedNanos();
                metrics.firstByte(modelTag, pool, ttft);
                draft.firstByte(ttft);
            }
            Usage usage = relay.usage();
            metrics.tokens(modelTag, pool, usage.promptTokens() == null ? 0 : usage.promptTokens(),
                    usage.outputTokens());
            draft.usage(usage);
        }
        metrics.requestEnded(modelTag, pool, x.status(), total);
        decisions.finish(draft, x.status(), total);
    }

    /** Every model name the tables serve, with the pools that serve it, both sorted. */
    public Map<String, List<String>> servedModels() {
        RoutingSnapshot s = tables.current();
        Map<String, List<String>> pools = new TreeMap<>();
        s.modelsByName().forEach((name, rows) -> rows.forEach(r ->
                pools.computeIfAbsent(name, n -> new ArrayList<>()).add(r.pool().toString())));
        s.rewritesByName().forEach((name, matches) -> matches.forEach(m ->
                pools.computeIfAbsent(name, n -> new ArrayList<>()).add(m.pool().toString())));
        pools.replaceAll((name, ps) -> ps.stream().distinct().sorted().toList());
        return pools;
    }

    private InferenceRequest parse(Exchange x, InputStream body, long contentLength) {
        InferenceRequest request = InferenceRequest.parse(x.kind(), readBody(body, contentLength), promptChars);
        x.parsed(request);
        x.draft().request(request.model(), request.stream(), x.headers().first(RequestHeaders.OBJECTIVE),
                x.headers().first(RequestHeaders.FAIRNESS_ID));
        return request;
    }

    private byte[] readBody(InputStream body, long contentLength) {
        if (contentLength > maxBodyBytes) {
            throw GatewayException.tooLarge("request body is larger than " + maxBodyBytes + " bytes");
        }
        try (InputStream in = body) {
            if (contentLength >= 0) {
                // One array of the declared size, filled in place: no chunk list and no final copy.
                byte[] bytes = new byte[(int) contentLength];
                int n = in.readNBytes(bytes, 0, bytes.length);
                // Read to the end, as a reader of the whole entity does: the server then knows it is consumed.
                if (n == bytes.length && in.read() >= 0) {
                    throw GatewayException.badRequest("request body is longer than its Content-Length");
                }
                return n == bytes.length ? bytes : Arrays.copyOf(bytes, n);
            }
            byte[] bytes = in.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                throw GatewayException.tooLarge("request body is larger than " + maxBodyBytes + " bytes");
            }
            return bytes;
        } catch (IOException | UncheckedIOException e) {
            throw GatewayException.badRequest("request body cannot be read: " + e.getMessage());
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            // The server's reader reports a connection closed mid-body (a client gone, or one cut for
            // reading too slowly) unchecked: that is the client's doing, not a fault of the gateway.
            throw GatewayException.badRequest("request body cannot be read: " + e);
        }
    }

    private Scheduler scheduler(RequestHeaders headers) {
        if (allowProfileHeader) {
            String asked = headers.first(RequestHeaders.PROFILE);
            if (asked != null) {
                Scheduler s = profiles.get(asked);
                if (s == null) {
                    throw GatewayException.badRequest("unknown scheduler profile '" + asked + "'; known: "
                            + profiles.names());
                }
                return s;
            }
        }
        return profiles.get(defaultProfile);
    }

    /** FailOpen with stale tables: every endpoint of the pool, in random order, unscored. */
    private static Decision failOpen(PoolSnapshot pool, String profile) {
        List<Endpoint> shuffled = new ArrayList<>(pool.endpoints());
        Collections.shuffle(shuffled, ThreadLocalRandom.current());
        return new Decision(profile + "/fail-open", null, null, 0, shuffled, List.of(), List.of(), 0);
    }

    /** Pre-request hooks: the decision is timed and recorded before the first attempt. */
    private void preRequest(Exchange x, Decision decision, long decidedAtMs) {
        metrics.decisionTime(x.target().pool(), decision.nanos());
        x.draft().decision(decision, decidedAtMs);
    }

    /**
     * Response-received hooks, once an endpoint has answered: retries are counted, a 5xx after the
     * last attempt becomes a 502, and a 2xx teaches the profile's plugins (the prefix index) which
     * endpoint actually served: after a retry, not the one ranked first.
     */
    private void responseReceived(Exchange x, UpstreamProxy.Opened opened) {
        x.opened(opened);
        if (opened.attempts() > 1) {
            metrics.retried(x.target().pool());
        }
        int status = opened.response().status();
        if (status >= 500) {
            throw GatewayException.badGateway("endpoint " + opened.endpoint().id() + " answered " + status);
        }
        x.answered(status, new ResponseRelay(x.request().model(), x.target().targetModel()));
        if (status < 300) {
            x.scheduler().served(x.scheduling(), opened.endpoint());
        }
    }

    /** Records that the client went away while its answer was being written. */
    public StreamEnd clientGone(Exchange x, Exception e) {
        x.error(CLIENT_DISCONNECTED);
        LOG.debug("client went away mid-answer requestId={} error={}", x.requestId(), e.toString());
        return StreamEnd.CLIENT_GONE;
    }

    private static Map<String, List<String>> upstreamHeaders(Exchange x) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        x.headers().forEach((name, values) -> {
            if (HeaderPolicy.forwardUpstream(name)) {
                headers.put(name, values);
            }
        });
        headers.put("x-request-id", List.of(x.requestId()));
        return headers;
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
