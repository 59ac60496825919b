package io.inferrouter.gateway.director;

import io.inferrouter.gateway.decisions.DecisionRecorder;
import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.gateway.proxy.HeaderPolicy;
import io.inferrouter.gateway.proxy.ResponseRelay;
import io.inferrouter.gateway.proxy.UpstreamProxy;
import io.inferrouter.gateway.routing.Target;
import io.inferrouter.gateway.scheduler.Scheduler;
import io.inferrouter.gateway.scheduler.SchedulingContext;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * One request on its way through the {@link Director}: what it asked for, where it was routed, the
 * upstream answer the HTTP adapter relays, and how it ended. The director fills it stage by stage;
 * the adapter reads the answer's head from it. Used by the request's own thread only.
 */
public final class Exchange {

    private final String requestId;
    private final InferenceRequest.Kind kind;
    private final String path;
    private final RequestHeaders headers;
    private final long startedNanos;
    private final DecisionRecorder.Draft draft;
    private InferenceRequest request;
    private Target target;
    private Scheduler scheduler;
    private SchedulingContext scheduling;
    private UpstreamProxy.Opened opened;
    private ResponseRelay relay;
    /** What the client gets: 500 until the request is answered or refused. */
    private int status = 500;
    private String errorType;
    private boolean relayed;
    private boolean completed;

    Exchange(String requestId, InferenceRequest.Kind kind, String path, RequestHeaders headers, long startedNanos,
             DecisionRecorder.Draft draft) {
        this.requestId = requestId;
        this.kind = kind;
        this.path = path;
        this.headers = headers;
        this.startedNanos = startedNanos;
        this.draft = draft;
    }

    public String requestId() {
        return requestId;
    }

    /** The status the client gets (the model server's, once it answered). */
    public int status() {
        return status;
    }

    /** The OpenAI error type (or the gateway's outcome word, such as {@code stream_aborted}), or null. */
    public String errorType() {
        return errorType;
    }

    /** True when the answer is a server-sent event stream, relayed as it arrives. */
    public boolean streamsEvents() {
        String type = opened == null ? null : opened.response().contentType();
        return type != null && type.startsWith("text/event-stream");
    }

    /** The endpoint that answered, as {@code namespace/pod:port}; null before one did. */
    public String servedBy() {
        return opened == null ? null : opened.endpoint().idText();
    }

    /** The answer's headers that may go back to the client (no hop-by-hop, no {@code x-gateway-*}). */
    public void forEachResponseHeader(BiConsumer<String, List<String>> action) {
        opened.response().forEachHeader((name, values) -> {
            if (HeaderPolicy.forwardDownstream(name)) {
                action.accept(name, values);
            }
        });
    }

    InferenceRequest.Kind kind() {
        return kind;
    }

    String path() {
        return path;
    }

    RequestHeaders headers() {
        return headers;
    }

    long startedNanos() {
        return startedNanos;
    }

    DecisionRecorder.Draft draft() {
        return draft;
    }

    InferenceRequest request() {
        return request;
    }

    Target target() {
        return target;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    SchedulingContext scheduling() {
        return scheduling;
    }

    UpstreamProxy.Opened opened() {
        return opened;
    }

    ResponseRelay relay() {
        return relay;
    }

    boolean relayed() {
        return relayed;
    }

    void parsed(InferenceRequest request) {
        this.request = request;
    }

    void resolved(Target target) {
        this.target = target;
        draft.target(target);
    }

    void scheduling(Scheduler scheduler, SchedulingContext scheduling) {
        this.scheduler = scheduler;
        this.scheduling = scheduling;
    }

    void opened(UpstreamProxy.Opened opened) {
        this.opened = opened;
        draft.chosen(opened.endpoint(), opened.attempts());
    }

    void answered(int status, ResponseRelay relay) {
        this.status = status;
        this.relay = relay;
    }

    void relayStarted() {
        this.relayed = true;
    }

    void failed(GatewayException e) {
        this.status = e.status();
        error(e.type());
    }

    /** An outcome that does not change the status the client already has (a stream cut, a client gone). */
    void error(String type) {
        this.errorType = type;
        draft.error(type);
    }

    /** @return false when the exchange was completed already */
    boolean complete() {
        if (completed) {
            return false;
        }
        completed = true;
        return true;
    }
}
