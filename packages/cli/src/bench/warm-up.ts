/**
 * Both engines embed WARM_UP_CHUNKS seed chunks once after loading and before the clock starts
 * (counted in load time), so the first timed batch does not pay for ONNX Runtime's first-run
 * allocations. A different seed from the workload's, so no timed chunk was seen before.
 */
export const WARM_UP_CHUNKS = 16;
export const WARM_UP_SEED = 7;
