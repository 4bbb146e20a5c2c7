/**
 * Identity document numbers never appear in full in logs, acknowledgements or errors.
 * Keeps the first two and the last character: `A1234563` -> `A1*****3`.
 */
export function maskIdentity(value: string): string {
  if (value.length <= 3) return '*'.repeat(value.length);
  return value.slice(0, 2) + '*'.repeat(value.length - 3) + value.slice(-1);
}
