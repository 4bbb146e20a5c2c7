/**
 * Nouns shared by more than one stage. Field names follow the spec's column names
 * (instruction-file format 1 and the output files, see docs/formats.md).
 */

/** The four application channels; a participant's registry type is its channel. */
export const CHANNELS = ['CLEARING', 'CUSTODIAN', 'INVESTOR', 'WHITE_FORM'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Channels through CCASS (stock account credited, refund to the participant's designated account). */
export const CCASS_CHANNELS: readonly Channel[] = ['CLEARING', 'CUSTODIAN', 'INVESTOR'];

export const ID_TYPES = ['HKID', 'PASSPORT', 'BR', 'CI'] as const;
export type IdType = (typeof ID_TYPES)[number];

/** One row of the participant registry (participants.csv). */
export interface Participant {
  participant_id: string;
  participant_type: Channel;
  name: string;
  designated_bank_account: string;
  status: 'ACTIVE' | 'SUSPENDED';
}

export type ParticipantRegistry = ReadonlyMap<string, Participant>;

/** Status of one instruction as acknowledged at ingest. */
export type InstructionStatus = 'ACCEPTED' | 'REJECTED';

/**
 * One D record of an accepted file, as kept durably for allocation (rejected ones too: their
 * money is refunded). Raw text fields are kept as given so results can echo them; parsed
 * fields are null where the text could not be read.
 */
export interface StoredInstruction {
  participant_id: string;
  channel: Channel;
  file_seq: number;
  /** SHA-256 (hex) of the file's bytes. */
  file_sha256: string;
  file_name: string;
  /** 1-based line of the D record in its file. */
  line: number;
  instruction_ref: string;
  input_time: string;
  /** Normalised identity documents `TYPE:NUMBER` (first applicant first); only those that could be read. */
  applicant_ids: string[];
  applicant_name: string;
  /** Field 8 as given. */
  shares_text: string;
  /** Field 8 as a whole number of shares, or null if it is not one. */
  shares: number | null;
  /** Field 9 as given. */
  amount_paid_text: string;
  /** Field 9 as money `d+.dd`, or null when it cannot be read as money (manual refund). */
  amount_paid: string | null;
  stock_account: string;
  refund_account: string;
  payment_time: string;
  status: InstructionStatus;
  reason_code: string | null;
  detail: string;
}

/** A valid application handed to the allocation (after ingest rules and multiple applications). */
export interface Application {
  /** Stable unique key: `participant_id/instruction_ref`. */
  key: string;
  participant_id: string;
  instruction_ref: string;
  channel: Channel;
  shares: number;
}

export type PoolName = 'A' | 'B';
