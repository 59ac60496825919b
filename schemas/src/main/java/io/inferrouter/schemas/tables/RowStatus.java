package io.inferrouter.schemas.tables;

/** Whether a resource is in effect in the routing tables. */
public enum RowStatus {
    /** Valid and in effect. */
    Accepted,
    /** Failed validation; see the row's reasons. Not used for routing. */
    Invalid,
    /** Refers to something that does not exist (a pool, a route's backend). Not used for routing. */
    UnresolvedRefs,
    /** An InferenceModel whose modelName an older object in the same pool already claims. */
    ModelNameInUse
}
