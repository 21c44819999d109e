import { MAX_TEXT_WORD_PIECES } from '@embedq/embedder';
import { ApiError } from './api-error.js';

/** Indexes named in the message at most; the count says how many there are. */
const NAMED = 20;

/** 422 text_too_long for texts past the model's window, naming them (`where` 3, 17) and their lengths. */
export function tooLongError(
  where: string,
  indexes: readonly number[],
  wordPieces: (index: number) => number,
): ApiError {
  const named = indexes
    .slice(0, NAMED)
    .map((i) => `${i} (${wordPieces(i)})`)
    .join(', ');
  const more = indexes.length > NAMED ? ` and ${indexes.length - NAMED} more` : '';
  return new ApiError(
    'text_too_long',
    `${indexes.length} of ${where} ${indexes.length === 1 ? 'is' : 'are'} longer than the model's window of ${MAX_TEXT_WORD_PIECES} word pieces: ${where} ${named}${more} (word pieces in brackets). Send "truncation": "truncate" to embed their first ${MAX_TEXT_WORD_PIECES}${where === 'body.chunks' ? ', or "split" to split them' : ''}.`,
  );
}
