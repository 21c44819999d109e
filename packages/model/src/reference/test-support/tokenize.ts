import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { sourceFiles } from '../../paths.js';

/** The id of [PAD] in the all-MiniLM-L6-v2 vocabulary. */
const PAD_ID = 0;

/**
 * Loads the shipped tokenizer.json and returns text -> token ids ([CLS] ... [SEP]), for tests.
 * The file asks for right padding to 128 and truncation at 128; tokenizers.js applies neither,
 * but trailing [PAD]s are stripped anyway so a padded encoding can never reach the model as text.
 */
export function loadTokenizer(path: string = sourceFiles().tokenizer): (text: string) => number[] {
  const tokenizer = new Tokenizer(JSON.parse(readFileSync(path, 'utf8')), {});
  return (text) => {
    const ids = [...tokenizer.encode(text).ids];
    while (ids.at(-1) === PAD_ID) ids.pop();
    return ids;
  };
}
