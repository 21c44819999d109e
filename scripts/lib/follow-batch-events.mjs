// Shared by the measurement scripts: follows a batch's event stream to its end.

/**
 * Opens GET /v1/batches/:id/events and reads it until the server ends it; resolves with the
 * arrival time (Date.now()) and data of its `completed` event, or undefined with the stream's
 * last characters when it ended without one.
 */
export async function followBatchEvents(api, headers, batchId) {
  const response = await fetch(`${api}/v1/batches/${batchId}/events`, { headers });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let final;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const at = text.indexOf('event: completed');
    if (at !== -1 && final === undefined && text.indexOf('\n\n', at) !== -1) {
      const block = text.slice(at, text.indexOf('\n\n', at));
      final = { at: Date.now(), data: JSON.parse(block.split('\n')[2].slice('data: '.length)) };
    }
  }
  return final ?? { at: undefined, data: undefined, tail: text.slice(-600) };
}
