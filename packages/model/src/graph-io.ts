/**
 * Input and output names of the serving graph. A module of its own, exported as
 * `@embedq/model/graph-io`, so an inference thread can load them without the graph builder.
 */
export const FUSED_INPUTS = { ids: 'input_ids', mask: 'attention_mask' } as const;
export const FUSED_OUTPUT = 'sentence_embedding';
