import type { QueueKind } from './interfaces.js';

export const DEFAULT_PREFIX = 'embedq';

/** Every queue embedq uses, by kind. */
export const QUEUE_NAMES: Readonly<Record<QueueKind, string>> = {
  interactive: 'embed-interactive',
  bulk: 'embed-bulk',
};

export const QUEUE_KINDS: readonly QueueKind[] = ['interactive', 'bulk'];
