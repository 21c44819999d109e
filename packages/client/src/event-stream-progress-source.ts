import type { BatchProgressSource } from './batch-progress-source.js';
import { type BatchProgress, FINAL_BATCH_STATUSES } from './batches.js';
import type { ResolvedClientOptions } from './client-options.js';
import { readEventStream } from './event-stream.js';
import { apiHeaders, pathSegment } from './http-transport.js';

/** Reconnections (with Last-Event-ID) after a stream ends before its batch is final. */
const RECONNECTS = 3;

/**
 * Progress from the server's event stream (`GET /v1/batches/:id/events`): told the moment the
 * batch moves, without polling. A stream cut before the batch is final (a server restarting) is
 * reopened with Last-Event-ID; when streams are not to be had (an older server, a runtime whose
 * fetch cannot stream, a proxy in the way, the stream failing again) `fallback` takes over, and
 * its answers (or errors: an unknown batch is its 404) are what the caller gets.
 */
export function eventStreamProgressSource(
  options: ResolvedClientOptions,
  fallback: BatchProgressSource,
): BatchProgressSource {
  return {
    async *updates(batchId, signal) {
      const url = new URL(`v1/batches/${pathSegment(batchId, 'batchId')}/events`, options.baseUrl).href;
      let lastEventId: string | undefined;
      for (let attempt = 0; attempt <= RECONNECTS; attempt++) {
        let response: Response;
        try {
          response = await options.fetch(url, {
            method: 'GET',
            headers: {
              ...apiHeaders(options, 'text/event-stream'),
              ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
            },
            signal,
          });
        } catch {
          signal.throwIfAborted();
          break;
        }
        const streaming = response.headers.get('content-type')?.startsWith('text/event-stream') === true;
        if (!response.ok || !streaming || response.body === null) {
          await response.body?.cancel().catch(() => undefined);
          break;
        }
        try {
          for await (const event of readEventStream(response.body)) {
            if (event.id !== undefined) lastEventId = event.id;
            const progress = JSON.parse(event.data) as BatchProgress;
            yield progress;
            if (FINAL_BATCH_STATUSES.has(progress.status)) return;
          }
        } catch (error) {
          signal.throwIfAborted();
          if (error instanceof SyntaxError) break;
        }
      }
      yield* fallback.updates(batchId, signal);
    },
  };
}
