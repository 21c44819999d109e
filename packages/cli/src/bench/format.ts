/** Number formatting shared by the text, markdown and SVG reports. */

/** 10000 -> '10k', 1500 -> '1.5k', 200 -> '200'. */
export function formatCount(n: number): string {
  if (n >= 1000 && n % 100 === 0) return `${n / 1000}k`;
  return String(n);
}

/** Fixed decimals with thousands separators: 12345.6 -> '12,345.6'. */
export function formatNumber(n: number, decimals = 1): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A ratio as '2.31x'. */
export function formatRatio(n: number): string {
  return `${n.toFixed(2)}x`;
}
