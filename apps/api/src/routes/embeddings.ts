import { MAX_TEXT_WORD_PIECES, MODEL_NAME } from '@embedq/embedder';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { AppDeps } from '../app-deps.js';
import { BODY_ERRORS, EMBEDDINGS_RESPONSE, errorResponses } from '../response-schemas.js';
import { embeddingsBody } from '../schemas.js';
import { checkString } from '../text-checks.js';
import { tooLongError } from '../too-long.js';

interface EmbeddingsBody {
  input: string | string[];
  model: string;
  encoding_format: 'float' | 'base64';
  dimensions?: number;
  user?: string;
  truncation: 'truncate' | 'error';
}

/** Names clients may send for the one model served. */
const MODEL_ALIASES = new Set([MODEL_NAME, `sentence-transformers/${MODEL_NAME}`]);

/** The vector as OpenAI's base64 form: little-endian float32 bytes. */
function toBase64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

/**
 * OpenAI-compatible embeddings, computed synchronously by the API process: for queries and small
 * inputs. Bulk work belongs in POST /v1/batches.
 */
export function embeddingsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { limits } = deps.config;
  app.post<{ Body: EmbeddingsBody }>(
    '/v1/embeddings',
    {
      schema: {
        summary: 'OpenAI-compatible embeddings (synchronous, small inputs)',
        description: `At most ${limits.maxEmbeddingInputs} inputs of 1 to ${limits.maxTextLength} characters. Inputs longer than the model's window of ${MAX_TEXT_WORD_PIECES} word pieces are embedded from their first ${MAX_TEXT_WORD_PIECES} and listed in \`truncated_inputs\`, or refused with \`truncation: "error"\`.`,
        body: embeddingsBody(limits),
        // No 503: the route needs neither Redis nor Postgres. 404: an unknown model.
        response: {
          200: EMBEDDINGS_RESPONSE,
          ...errorResponses(400, 401, 403, ...BODY_ERRORS, 404, 422, 429, 500),
        },
      },
    },
    async (request) => {
      const { model, encoding_format: format } = request.body;
      if (!MODEL_ALIASES.has(model)) {
        throw new ApiError('model_not_found', `model '${model}' is not served here; use '${MODEL_NAME}'`);
      }
      const inputs = typeof request.body.input === 'string' ? [request.body.input] : request.body.input;
      if (inputs.length === 0) throw new ApiError('empty_text', 'body.input is an empty list');
      if (inputs.length > limits.maxEmbeddingInputs) {
        throw new ApiError('too_many_inputs', `body.input has more than ${limits.maxEmbeddingInputs} inputs`);
      }
      inputs.forEach((text, i) => {
        const where = typeof request.body.input === 'string' ? 'body.input' : `body.input.${i}`;
        if (text.length === 0) throw new ApiError('empty_text', `${where} is empty`);
        if ([...text].length > limits.maxTextLength) {
          throw new ApiError('text_too_long', `${where} is longer than ${limits.maxTextLength} characters`);
        }
        checkString(text, where);
      });
      const wordPieces = inputs.map((text) => deps.embedder.countWordPieces(text));
      const truncated = wordPieces.flatMap((n, i) => (n > MAX_TEXT_WORD_PIECES ? [i] : []));
      if (request.body.truncation === 'error' && truncated.length > 0) {
        throw tooLongError('body.input', truncated, (i) => wordPieces[i] ?? 0);
      }

      const vectors = new Array<Float32Array>(inputs.length);
      let tokens = 0;
      for await (const batch of deps.embedder.embedStream(inputs)) {
        tokens += batch.report.tokens;
        batch.indices.forEach((index, i) => {
          const vector = batch.vectors[i];
          if (vector !== undefined) vectors[index] = vector;
        });
      }
      return {
        object: 'list',
        data: vectors.map((vector, index) => ({
          object: 'embedding',
          index,
          embedding: format === 'base64' ? toBase64(vector) : Array.from(vector),
        })),
        model: MODEL_NAME,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
        // Not in OpenAI's answer: which inputs the model read only the start of.
        truncated_inputs: truncated,
      };
    },
  );
}
