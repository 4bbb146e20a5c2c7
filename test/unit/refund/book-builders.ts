/** In-memory builders for the refund tests: stored instructions, allocations, a registry. */
import type { Allocation, Allotment } from '../../../src/domain/allocation';
import type { Participant, ParticipantRegistry, PoolName, StoredInstruction } from '../../../src/domain/types';
import { amountPayableText } from '../../../src/money/amount-payable';
import { parseOffering } from '../../../src/offering/load-offering';
import type { Offering } from '../../../src/offering/schema';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const OFFERING_FILE = path.join(__dirname, '../../../samples/offerings/0020-sensetime-2021.json');
export const PARTICIPANTS_FILE = path.join(__dirname, '../../../samples/participants.csv');

export function sampleOffering(): Offering {
  return parseOffering(readFileSync(OFFERING_FILE, 'utf8'));
}

export function registry(): ParticipantRegistry {
  const list: Participant[] = [
    { participant_id: 'BRK001', participant_type: 'CLEARING', name: 'Harbour Securities Limited', designated_bank_account: '004-001-000123456', status: 'ACTIVE' },
    { participant_id: 'CUS001', participant_type: 'CUSTODIAN', name: 'Victoria Custodian Bank', designated_bank_account: '003-888-100200300', status: 'ACTIVE' },
    { participant_id: 'INV001', participant_type: 'INVESTOR', name: '=cmd|calc', designated_bank_account: '004-555-123456789', status: 'ACTIVE' },
    { participant_id: 'WFE001', participant_type: 'WHITE_FORM', name: 'White Form eIPO Service Provider', designated_bank_account: '004-900-000000001', status: 'ACTIVE' },
  ];
  return new Map(list.map((p) => [p.participant_id, p]));
}

const CHANNEL_OF: Record<string, StoredInstruction['channel']> = { BRK001: 'CLEARING', CUS001: 'CUSTODIAN', INV001: 'INVESTOR', WFE001: 'WHITE_FORM' };

/** A valid (ACCEPTED) instruction paying the amount payable at the maximum price 3.99. */
export function instruction(participant_id: string, instruction_ref: string, shares: number, over: Partial<StoredInstruction> = {}): StoredInstruction {
  const channel = CHANNEL_OF[participant_id] ?? 'CLEARING';
  const amount = amountPayableText(shares, '3.99', sampleOffering().fees);
  const wf = channel === 'WHITE_FORM';
  return {
    participant_id, channel, file_seq: 1, file_sha256: 'f'.repeat(64), file_name: 'a.csv', line: 2, instruction_ref,
    input_time: '2021-12-20T10:00:00', applicant_ids: [`HKID:A${instruction_ref.length}${instruction_ref}`], applicant_name: `Applicant ${instruction_ref}`,
    shares_text: String(shares), shares, amount_paid_text: amount, amount_paid: amount,
    stock_account: wf ? '' : `SA-${instruction_ref}`, refund_account: '', payment_time: wf ? '2021-12-20T10:01:00' : '',
    status: 'ACCEPTED', reason_code: null, detail: '', ...over,
  };
}

export function rejected(participant_id: string, instruction_ref: string, reason_code: string, over: Partial<StoredInstruction> = {}): StoredInstruction {
  return instruction(participant_id, instruction_ref, 1000, { status: 'REJECTED', reason_code, ...over });
}

/** An allocation giving each key the shares listed (pool by the sample offering's threshold). */
export function allocationOf(allotted: Record<string, [PoolName, number]>): Allocation {
  const allotments = new Map<string, Allotment>(Object.entries(allotted).map(([k, [pool, shares_allotted]]) => [k, { pool, shares_allotted }]));
  const sum = (p: PoolName) => [...allotments.values()].filter((a) => a.pool === p).reduce((n, a) => n + a.shares_allotted, 0);
  const pool = (p: PoolName) => ({ pool: p, size_shares: 75000000, demand_shares: 0, valid_applications: 0, allotted_shares: sum(p), successful_applications: 0, oversubscribed: false });
  return {
    sizing: {
      initial_hong_kong_shares: 150000000, subscription_multiple: '0.00', demand_shares: 0, clawback: null,
      reallocated_shares: 0, final_hong_kong_shares: 150000000, shortfall_to_international_shares: 0,
    },
    pools: { A: pool('A'), B: pool('B') },
    allotments,
    basis: [{ pool: 'A', shares_applied: 1000, valid_applications: 1, basis: '1,000 shares', approx_pct_allotted: '100.00' }],
    draw: { seed: 'test-seed', book_sha256: '0'.repeat(64) },
  };
}
