import type { DocumentInterface } from '@langchain/core/documents';

/**
 * The embedq document id a LangChain Document is stored under when the caller chose one:
 * `options.ids[i]`, else `document.id`, else `metadata.documentId` (which, unlike `id`, text
 * splitters copy onto every piece of a document). Undefined when none is given.
 */
export function givenDocumentId(
  document: DocumentInterface,
  index: number,
  ids: readonly string[] | undefined,
): string | undefined {
  if (ids !== undefined) {
    const id = ids[index];
    if (typeof id !== 'string' || id === '') {
      throw new TypeError(`addDocuments: ids[${index}] must be a non-empty string`);
    }
    return id;
  }
  if (typeof document.id === 'string' && document.id !== '') return document.id;
  const fromMetadata: unknown = document.metadata?.documentId;
  if (typeof fromMetadata === 'string' && fromMetadata !== '') return fromMetadata;
  return undefined;
}

/** Checks `options.ids` against the documents: one id for each, or none at all. */
export function checkIds(
  ids: unknown,
  documents: readonly DocumentInterface[],
): readonly string[] | undefined {
  if (ids === undefined) return undefined;
  if (!Array.isArray(ids) || ids.length !== documents.length) {
    throw new TypeError(`addDocuments: ids must be an array of one id per document (${documents.length})`);
  }
  return ids;
}

/** A fresh id for documents the caller gave none: distinct, since posting an id again replaces it. */
export function newDocumentId(): string {
  if (typeof globalThis.crypto?.randomUUID !== 'function') {
    // Browsers give randomUUID to secure contexts (https) only.
    throw new TypeError('crypto.randomUUID is not available here: give the documents ids');
  }
  return globalThis.crypto.randomUUID();
}
