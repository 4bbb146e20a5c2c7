/**
 * ccass-deposits.csv: one row per CCASS instruction with shares allotted, in the results order
 * (spec: outputs.md): HKSCC credits `shares` to `stock_account` of the participant.
 */
import { CCASS_CHANNELS, Channel, StoredInstruction } from '../domain/types';
import { CsvRow, DEPOSIT_COLUMNS } from './output-columns';
import type { Settlement } from './settlement';
import { neutraliseCell } from './spreadsheet-safe';

export type DepositRow = CsvRow<typeof DEPOSIT_COLUMNS>;

/** Whether an instruction has a row: shares allotted through a CCASS channel. */
export function hasDeposit(channel: Channel, sharesAllotted: number): boolean {
  return sharesAllotted > 0 && CCASS_CHANNELS.includes(channel);
}

export function depositRow(i: StoredInstruction, sharesAllotted: number): DepositRow {
  return {
    participant_id: neutraliseCell(i.participant_id),
    stock_account: neutraliseCell(i.stock_account),
    instruction_ref: neutraliseCell(i.instruction_ref),
    shares: String(sharesAllotted),
  };
}

export function buildDepositRows(settlements: readonly Settlement[]): DepositRow[] {
  return settlements.filter((s) => hasDeposit(s.instruction.channel, s.shares_allotted)).map((s) => depositRow(s.instruction, s.shares_allotted));
}
