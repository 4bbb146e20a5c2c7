/**
 * Identity document numbers never appear in full in logs, acknowledgements or errors.
 * Keeps the first two and the last character: `A1234563` -> `A1*****3`.
 */
export function maskIdentity(value: string): string {
  if (value.length <= 3) return '*'.repeat(value.length);
  return value.slice(0, 2) + '*'.repeat(value.length - 3) + value.slice(-1);
}

/**
 * Anything shaped like an HKID (1-2 letters, 6 digits, a check character, spaces and brackets
 * allowed) inside a longer text, masked as maskIdentity masks a number. A second line of defence
 * for every value echoed in an acknowledgement detail: the rules mask the fields they know to be
 * identity numbers; this catches one that arrives somewhere else.
 */
const HKID_SHAPE = /[A-Za-z]{1,2} ?\d{3} ?\d{3} ?\(? ?[0-9Aa] ?\)?/g;

export function maskIdentityShapes(text: string): string {
  return /\d{3}/.test(text) ? text.replace(HKID_SHAPE, (m) => maskIdentity(m)) : text;
}

/**
 * Text that could be anything (a whole line written with `;` or tab separators is one field):
 * the first two characters, then every letter and digit replaced by `*`, punctuation kept so the
 * shape stays visible: `D;REF1;A123456(3)` -> `D;***;*******(*)`.
 */
export function maskFreeText(text: string): string {
  return text.slice(0, 2) + text.slice(2).replace(/[\p{L}\p{N}]/gu, '*');
}

/**
 * At most `max` UTF-16 code units, never splitting a surrogate pair, with `…` when cut. O(1) in
 * the length of the text beyond `max`.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
