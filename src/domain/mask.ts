/**
 * Identity document numbers never appear in full in logs, acknowledgements or errors.
 * Keeps the first two and the last character: `A1234563` -> `A1*****3`.
 */
export function maskIdentity(value: string): string {
  if (value.length <= 3) return '*'.repeat(value.length);
  return value.slice(0, 2) + '*'.repeat(value.length - 3) + value.slice(-1);
}

/**
 * Anything shaped like an HKID inside a longer text, masked as maskIdentity masks a number: 1-2
 * letters not preceded by a letter, 6 digits and a check character, brackets around the check
 * character allowed, single spaces allowed between capital letters and digits (as the HKID rule
 * normalises them away; lower-case words followed by a space and digits, "sum to 1000000", are
 * left alone). A second line of defence for every value echoed in an acknowledgement detail:
 * the rules mask the fields they know to be identity numbers; this catches one that arrives
 * somewhere else.
 */
const HKID_SHAPE = /(?<![A-Za-z])(?:[A-Z] ?[A-Z]? ?|[A-Za-z]{1,2})\d(?: ?\d){5} ?\(? ?[0-9Aa] ?\)?/g;

export function maskIdentityShapes(text: string): string {
  return /\d{3}/.test(text) ? text.replace(HKID_SHAPE, (m) => maskIdentity(m)) : text;
}

/**
 * A value that broke its field's rule and could hold anything (a malformed instruction_ref may be
 * the rest of a line written with `;`): cut to `max`, HKID shapes masked, and every run of 7 or
 * more letters and digits holding at least 5 digits (a passport, BR or CI number) masked too.
 */
export function maskUntrusted(text: string, max = 40): string {
  const cut = cutText(text.slice(0, max + 16), max);
  return maskIdentityShapes(cut).replace(/[A-Za-z0-9]{7,}/g, (run) => (run.replace(/\D/g, '').length >= 5 ? maskIdentity(run) : run));
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
