/** Sentence case, except when the first word carries its own capitals or digits (mTORC1, p53, pH). */
export function capitalise(text: string): string {
  const firstWord = text.split(' ', 1)[0] ?? '';
  if (!/^[a-z]+$/.test(firstWord)) return text;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
