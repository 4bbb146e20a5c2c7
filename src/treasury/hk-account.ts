/**
 * Hong Kong bank accounts as refunds.csv and the instruction file write them, `NNN-NNN-N...`
 * (spec: instruction-file.md, D field 11: bank code, branch, account number; 3-3-6..12 digits),
 * and how they map onto ISO 20022 (docs/treasury.md, "Accounts"):
 *
 * - the 3-digit bank code is the bank's member id in the Hong Kong interbank clearing
 *   (`ClrSysMmbId`: `ClrSysId/Cd` = `HKNCC`, the ISO code for the Hong Kong bank code; `MmbId` = the code);
 * - the 3-digit branch code is the agent's branch (`BrnchId/Id`);
 * - the account as the bank itself knows it, branch code and account number without separators,
 *   is the account id (`Othr/Id`, scheme `BBAN`): `004-001-000123456` -> bank 004, `001000123456`.
 */

export const HK_ACCOUNT = /^([0-9]{3})-([0-9]{3})-([0-9]{6,12})$/;

/** ISO 9362 BIC as the pain.001.001.09 schema writes it (BICFIDec2014Identifier). */
export const BIC = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;

/** The clearing system code of the Hong Kong bank code (ISO 20022 external code list). */
export const HK_CLEARING_SYSTEM = 'HKNCC';

export interface HkAccount {
  /** 3 digits: the bank (Hong Kong interbank clearing member). */
  bank_code: string;
  /** 3 digits. */
  branch_code: string;
  /** 6 to 12 digits. */
  account_number: string;
}

export function parseHkAccount(text: string): HkAccount | null {
  const m = HK_ACCOUNT.exec(text);
  return m ? { bank_code: m[1]!, branch_code: m[2]!, account_number: m[3]! } : null;
}

/** The account id the bank books to: branch code and account number, digits only. */
export function bankAccountId(a: HkAccount): string {
  return a.branch_code + a.account_number;
}

export function formatHkAccount(a: HkAccount): string {
  return `${a.bank_code}-${a.branch_code}-${a.account_number}`;
}
