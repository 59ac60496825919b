package io.inferrouter.schemas.resources;

/** InferenceModel criticality; unset means {@link #Standard}. Sheddable work is rejected first under saturation. */
public enum Criticality {
    Critical,
    Standard,
    Sheddable
}
