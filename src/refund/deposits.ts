/**
 * ccass-deposits.csv: one row per CCASS instruction with shares allotted, in the results order
 * (spec: outputs.md): HKSCC credits `shares` to `stock_account` of the participant.
 */
import { CCASS_CHANNELS } from '../domain/types';
import { CsvRow, DEPOSIT_COLUMNS } from './output-columns';
import type { Settlement } from './settlement';
import { neutraliseCell } from './spreadsheet-safe';

export type DepositRow = CsvRow<typeof DEPOSIT_COLUMNS>;

export function buildDepositRows(settlements: readonly Settlement[]): DepositRow[] {
  return settlements
    .filter((s) => s.shares_allotted > 0 && CCASS_CHANNELS.includes(s.instruction.channel))
    .map((s) => ({
      participant_id: neutraliseCell(s.instruction.participant_id),
      stock_account: neutraliseCell(s.instruction.stock_account),
      instruction_ref: neutraliseCell(s.instruction.instruction_ref),
      shares: String(s.shares_allotted),
    }));
}
