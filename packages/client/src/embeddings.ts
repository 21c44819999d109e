import type { ExpectNone, FieldList, UnlistedKeys, UnlistedValues } from './field-list.js';

export type EncodingFormat = 'float' | 'base64';

/** The body of POST /v1/embeddings, OpenAI's: synchronous, for queries and small inputs. */
export interface EmbeddingsRequest<Format extends EncodingFormat = EncodingFormat> {
  /** A string or a list of strings. */
  readonly input: string | readonly string[];
  /** `all-MiniLM-L6-v2` (or `sentence-transformers/all-MiniLM-L6-v2`). */
  readonly model: string;
  /** Default `float`. */
  readonly encoding_format?: Format | undefined;
  /** Only 384, the model's. */
  readonly dimensions?: number | undefined;
  readonly user?: string | undefined;
  /** Default `truncate`: an input past the window is embedded from its start and listed in `truncated_inputs`. */
  readonly truncation?: 'truncate' | 'error' | undefined;
}

/** One vector: numbers with `float`, their little-endian float32 bytes in base64 with `base64`. */
export interface Embedding<Format extends EncodingFormat = EncodingFormat> {
  readonly object: 'embedding';
  readonly index: number;
  // Distributes over a union: either format, either shape.
  readonly embedding: Format extends 'base64' ? string : number[];
}

export interface EmbeddingsUsage {
  readonly prompt_tokens: number;
  readonly total_tokens: number;
}

/** 200 of POST /v1/embeddings: OpenAI's answer, plus `truncated_inputs`. */
export interface EmbeddingsResponse<Format extends EncodingFormat = EncodingFormat> {
  readonly object: 'list';
  readonly data: readonly Embedding<Format>[];
  readonly model: string;
  readonly usage: EmbeddingsUsage;
  /** Indexes of the inputs longer than the model's window, embedded from their first word pieces. */
  readonly truncated_inputs: readonly number[];
}

export const ENCODING_FORMATS = ['float', 'base64'] as const satisfies readonly EncodingFormat[];
type _EncodingFormatsListed = ExpectNone<UnlistedValues<EncodingFormat, typeof ENCODING_FORMATS>>;

export const EMBEDDINGS_REQUEST_FIELDS = {
  required: ['input', 'model'],
  optional: ['encoding_format', 'dimensions', 'user', 'truncation'],
} as const satisfies FieldList<EmbeddingsRequest>;
type _EmbeddingsRequestListed = ExpectNone<UnlistedKeys<EmbeddingsRequest, typeof EMBEDDINGS_REQUEST_FIELDS>>;

export const EMBEDDING_FIELDS = {
  required: ['object', 'index', 'embedding'],
  optional: [],
} as const satisfies FieldList<Embedding>;
type _EmbeddingListed = ExpectNone<UnlistedKeys<Embedding, typeof EMBEDDING_FIELDS>>;

export const EMBEDDINGS_USAGE_FIELDS = {
  required: ['prompt_tokens', 'total_tokens'],
  optional: [],
} as const satisfies FieldList<EmbeddingsUsage>;
type _EmbeddingsUsageListed = ExpectNone<UnlistedKeys<EmbeddingsUsage, typeof EMBEDDINGS_USAGE_FIELDS>>;

export const EMBEDDINGS_RESPONSE_FIELDS = {
  required: ['object', 'data', 'model', 'usage', 'truncated_inputs'],
  optional: [],
} as const satisfies FieldList<EmbeddingsResponse>;
type _EmbeddingsResponseListed = ExpectNone<
  UnlistedKeys<EmbeddingsResponse, typeof EMBEDDINGS_RESPONSE_FIELDS>
>;
