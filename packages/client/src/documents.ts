import type { BatchKind } from './batches.js';
import type { ExpectNone, FieldList, UnlistedKeys, UnlistedValues } from './field-list.js';
import type { Metadata } from './metadata.js';

/** How the server splits a document: markdown by its sections first, plain text by paragraphs. */
export type ContentType = 'text/plain' | 'text/markdown';

export interface ChunkingOptions {
  /** Most word pieces in one chunk, [CLS] and [SEP] not counted. */
  readonly maxTokens?: number | undefined;
  /** Word pieces of the previous chunk's end that a chunk begins with; at most half of maxTokens. */
  readonly overlapTokens?: number | undefined;
}

/** The body of POST /v1/documents: a whole text that the server splits into chunks. */
export interface SubmitDocumentRequest {
  /** Default: the API key's only namespace, else `default`. */
  readonly namespace?: string | undefined;
  readonly documentId: string;
  readonly text: string;
  /** Copied onto every chunk. */
  readonly metadata?: Metadata | undefined;
  /** Default `text/plain`. */
  readonly contentType?: ContentType | undefined;
  readonly chunking?: ChunkingOptions | undefined;
}

/** 202 of POST /v1/documents. */
export interface DocumentAccepted {
  readonly batchId: string;
  /** Chunks the document was split into. */
  readonly chunkCount: number;
}

export type ChunkStatus = 'pending' | 'embedded' | 'failed';

export interface DocumentChunk {
  readonly index: number;
  /** UTF-16 offsets in the text the chunk was cut from; null for a chunk posted as it is. */
  readonly start: number | null;
  readonly end: number | null;
  /** Word pieces of the text; null when unknown. */
  readonly tokenCount: number | null;
  /** Titles of the markdown headings the chunk sits under, outermost first. */
  readonly headingPath: readonly string[] | null;
  readonly status: ChunkStatus;
  readonly metadata: Metadata;
  readonly text: string;
  /** Why embedding it failed; null unless it did. */
  readonly error: string | null;
}

/** 200 of GET /v1/documents/:id: a page of the document's chunks, in index order. */
export interface DocumentPage {
  readonly namespace: string;
  readonly documentId: string;
  /** The batch that holds the document's chunks now. */
  readonly batchId: string;
  readonly kind: BatchKind;
  /** Null for chunks posted to POST /v1/batches. */
  readonly contentType: ContentType | null;
  /** Chunks in the whole document. */
  readonly chunkCount: number;
  readonly chunks: readonly DocumentChunk[];
  /** Send as `after` for the next page; null on the last. */
  readonly nextAfter: number | null;
}

/** The query of GET /v1/documents/:id. */
export interface DocumentPageQuery {
  readonly namespace?: string | undefined;
  /** Chunks per page, 1 to 1000; default 100. */
  readonly limit?: number | undefined;
  /** The previous page's `nextAfter`. */
  readonly after?: number | undefined;
}

/** The query of DELETE /v1/documents/:id. */
export interface DocumentDeleteQuery {
  readonly namespace?: string | undefined;
}

/** 200 of DELETE /v1/documents/:id. */
export interface DocumentDeleted {
  readonly documentId: string;
  readonly namespace: string;
  readonly deletedChunks: number;
}

export const CONTENT_TYPES = ['text/plain', 'text/markdown'] as const satisfies readonly ContentType[];
type _ContentTypesListed = ExpectNone<UnlistedValues<ContentType, typeof CONTENT_TYPES>>;

export const CHUNK_STATUSES = ['pending', 'embedded', 'failed'] as const satisfies readonly ChunkStatus[];
type _ChunkStatusesListed = ExpectNone<UnlistedValues<ChunkStatus, typeof CHUNK_STATUSES>>;

export const CHUNKING_OPTIONS_FIELDS = {
  required: [],
  optional: ['maxTokens', 'overlapTokens'],
} as const satisfies FieldList<ChunkingOptions>;
type _ChunkingOptionsListed = ExpectNone<UnlistedKeys<ChunkingOptions, typeof CHUNKING_OPTIONS_FIELDS>>;

export const SUBMIT_DOCUMENT_REQUEST_FIELDS = {
  required: ['documentId', 'text'],
  optional: ['namespace', 'metadata', 'contentType', 'chunking'],
} as const satisfies FieldList<SubmitDocumentRequest>;
type _SubmitDocumentListed = ExpectNone<
  UnlistedKeys<SubmitDocumentRequest, typeof SUBMIT_DOCUMENT_REQUEST_FIELDS>
>;

export const DOCUMENT_ACCEPTED_FIELDS = {
  required: ['batchId', 'chunkCount'],
  optional: [],
} as const satisfies FieldList<DocumentAccepted>;
type _DocumentAcceptedListed = ExpectNone<UnlistedKeys<DocumentAccepted, typeof DOCUMENT_ACCEPTED_FIELDS>>;

export const DOCUMENT_CHUNK_FIELDS = {
  required: ['index', 'start', 'end', 'tokenCount', 'headingPath', 'status', 'metadata', 'text', 'error'],
  optional: [],
} as const satisfies FieldList<DocumentChunk>;
type _DocumentChunkListed = ExpectNone<UnlistedKeys<DocumentChunk, typeof DOCUMENT_CHUNK_FIELDS>>;

export const DOCUMENT_PAGE_FIELDS = {
  required: [
    'namespace',
    'documentId',
    'batchId',
    'kind',
    'contentType',
    'chunkCount',
    'chunks',
    'nextAfter',
  ],
  optional: [],
} as const satisfies FieldList<DocumentPage>;
type _DocumentPageListed = ExpectNone<UnlistedKeys<DocumentPage, typeof DOCUMENT_PAGE_FIELDS>>;

export const DOCUMENT_PAGE_QUERY_FIELDS = {
  required: [],
  optional: ['namespace', 'limit', 'after'],
} as const satisfies FieldList<DocumentPageQuery>;
type _DocumentPageQueryListed = ExpectNone<
  UnlistedKeys<DocumentPageQuery, typeof DOCUMENT_PAGE_QUERY_FIELDS>
>;

export const DOCUMENT_DELETE_QUERY_FIELDS = {
  required: [],
  optional: ['namespace'],
} as const satisfies FieldList<DocumentDeleteQuery>;
type _DocumentDeleteQueryListed = ExpectNone<
  UnlistedKeys<DocumentDeleteQuery, typeof DOCUMENT_DELETE_QUERY_FIELDS>
>;

export const DOCUMENT_DELETED_FIELDS = {
  required: ['documentId', 'namespace', 'deletedChunks'],
  optional: [],
} as const satisfies FieldList<DocumentDeleted>;
type _DocumentDeletedListed = ExpectNone<UnlistedKeys<DocumentDeleted, typeof DOCUMENT_DELETED_FIELDS>>;
