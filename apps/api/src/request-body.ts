import { errorCodes, type FastifyRequest } from 'fastify';

/**
 * A request's body as one Buffer, with Fastify's own limits and errors. When Content-Length is
 * given the Buffer is allocated once at that size and each chunk is copied in as it arrives, so
 * chunks die young: collecting them and concatenating at the end (as Fastify does) holds the
 * body twice, and the chunks, kept across the whole upload, wait for a full collection to go.
 */
export function readRequestBody(
  request: FastifyRequest,
  payload: NodeJS.ReadableStream & { receivedEncodedLength?: number },
): Promise<Buffer> {
  const limit = request.routeOptions.bodyLimit;
  const declared = Number(request.headers['content-length']);
  if (declared > limit) return Promise.reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
  // A preParsing hook may have replaced the stream (to decompress, say): then the declared
  // length is not the length read.
  const preallocated =
    payload === request.raw && Number.isSafeInteger(declared) && declared >= 0
      ? Buffer.allocUnsafe(declared)
      : undefined;
  const chunks: Buffer[] = [];
  let received = 0;
  return new Promise((resolve, reject) => {
    const stop = () => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onEnd);
    };
    const onData = (data: Buffer | string) => {
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      received += chunk.length;
      if (received > limit || (payload.receivedEncodedLength ?? 0) > limit) {
        stop();
        reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
        return;
      }
      if (preallocated === undefined) chunks.push(chunk);
      else if (received <= preallocated.length) chunk.copy(preallocated, received - chunk.length);
    };
    const onEnd = (error?: Error & { statusCode?: number }) => {
      stop();
      if (error != null) {
        if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
        reject(error);
        return;
      }
      if (!Number.isNaN(declared) && (payload.receivedEncodedLength || received) !== declared) {
        reject(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
        return;
      }
      resolve(preallocated ?? Buffer.concat(chunks, received));
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onEnd);
    payload.resume();
  });
}
