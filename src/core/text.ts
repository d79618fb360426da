/** Small wording helpers shared by every report (CLI text, PR comment, diff). */

/** `1 record`, `1,048,576 records`. */
export const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
