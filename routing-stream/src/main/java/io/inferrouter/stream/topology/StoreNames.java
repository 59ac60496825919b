package io.inferrouter.stream.topology;

/** State store names; stable, since they name the changelog topics and the interactive queries. */
public final class StoreNames {

    public static final String POOLS = "pools";
    public static final String PODS = "pods";
    public static final String MODELS = "models";
    public static final String OBJECTIVES = "objectives";
    public static final String REWRITES = "rewrites";
    public static final String ROUTES = "routes";
    public static final String POD_ENDPOINTS = "pod-endpoints";
    public static final String POOL_ROWS = "pool-rows";
    public static final String MODEL_ROWS = "model-rows";
    public static final String OBJECTIVE_ROWS = "objective-rows";
    public static final String REWRITE_ROWS = "rewrite-rows";
    public static final String ROUTE_ROWS = "route-rows";
    public static final String RESOURCE_INDEX = "resource-index";
    public static final String ENDPOINT_MEMBERSHIPS = "endpoint-memberships";
    public static final String ENDPOINT_METRICS = "endpoint-metrics";

    /** Stores of the control-plane sub-topology (one task: resource topics have one partition). */
    static final String[] CONTROL_PLANE = {POOLS, PODS, MODELS, OBJECTIVES, REWRITES, ROUTES, POD_ENDPOINTS,
        POOL_ROWS, MODEL_ROWS, OBJECTIVE_ROWS, REWRITE_ROWS, ROUTE_ROWS, RESOURCE_INDEX};

    /** Stores of the endpoint sub-topology (partitioned like the metrics topic). */
    static final String[] ENDPOINTS = {ENDPOINT_MEMBERSHIPS, ENDPOINT_METRICS};

    private StoreNames() {
    }
}
