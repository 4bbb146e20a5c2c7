/**
 * Spreadsheet-safe text cells. The output CSVs are opened in spreadsheets by treasury and the
 * registrar's publication team; a text cell that begins with `=`, `+`, `-` or `@` (or a tab or
 * carriage return, which some spreadsheets skip before reading a formula) would be run as a
 * formula. Such a cell gets a leading apostrophe, which spreadsheets show as text and never run.
 *
 * Applies to text the system did not write itself (names, references, accounts, identity
 * documents, raw quantities of rejected instructions); numbers and money this system formats
 * are never touched.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** `=1+1` -> `'=1+1`; anything else unchanged. */
export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A plain decimal number (what a numeric column holds): left as it is, even if negative. */
const PLAIN_NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;

/**
 * A column that is numeric but echoes text as given (`shares_applied` of a rejected
 * instruction): a plain number stays as it is (`-1000` is a harmless number), anything else is
 * neutralised like text.
 */
export function neutraliseNumberText(text: string): string {
  return PLAIN_NUMBER.test(text) ? text : neutraliseCell(text);
}

/**
 * The text as given, from a cell neutraliseCell wrote (`'=1+1` -> `=1+1`): for files that are no
 * spreadsheet (an ISO 20022 payment file). A cell that is not a neutralised formula is unchanged.
 * (A name that itself began with an apostrophe and a formula character, `'=x`, comes back as
 * `=x`: the one text the two cannot tell apart.)
 */
export function restoreCell(cell: string): string {
  return cell.charCodeAt(0) === 0x27 && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
