/**
 * Reads the offering (JSON) and the participant registry (CSV) from disk, turning every fault
 * into a ConfigInvalidError with a one-line message naming the file, line and column or field.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { ConfigInvalidError } from '../domain/errors';
import { CHANNELS, Channel, Participant } from '../domain/types';
import { cutText } from '../domain/mask';
import { parseOffering } from '../offering/load-offering';
import { parseBallotPolicy } from '../allocate/ballot-policy';
import type { BallotPolicy } from '../domain/allocation';
import { BANK_ACCOUNT } from '../validate/accounts';
import type { Offering } from '../offering/schema';

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigInvalidError(`${what} ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export function loadOfferingFile(file: string): Offering {
  return parseOffering(readText(file, 'offering'), file);
}

/** `--ballot-policy FILE` (docs/ballot.md). */
export function loadBallotPolicyFile(file: string): BallotPolicy {
  return parseBallotPolicy(readText(file, 'ballot policy'), file);
}

const REGISTRY_COLUMNS = ['participant_id', 'participant_type', 'name', 'designated_bank_account', 'status'] as const;
type RegistryColumn = (typeof REGISTRY_COLUMNS)[number];

/** What a registry cell must be, or null when it is fine (each column in its own words). */
const CELL_RULES: Record<RegistryColumn, (v: string) => string | null> = {
  participant_id: (v) => (/^[A-Z0-9]{4,12}$/.test(v) ? null : 'must be 4-12 capital letters or digits'),
  participant_type: (v) => ((CHANNELS as readonly string[]).includes(v) ? null : `must be one of ${CHANNELS.join(', ')}`),
  name: (v) => (v.trim() === '' ? 'must not be empty' : /[\u0000-\u001f\u007f]/.test(v) ? 'must not contain a line end or a control character' : v.length > 200 ? 'must be at most 200 characters' : null),
  designated_bank_account: (v) => (BANK_ACCOUNT.test(v) ? null : 'is not a bank account NNN-NNN-N (bank code, branch, 6-12 digit account number)'),
  status: (v) => (v === 'ACTIVE' || v === 'SUSPENDED' ? null : 'must be ACTIVE or SUSPENDED'),
};

/** A cell's value as it may appear in a one-line error: control characters escaped, cut. */
const shown = (v: string) => JSON.stringify(cutText(v, 40));

/**
 * Parses participants.csv text (header row, UTF-8), validated like any input: every cell of
 * every row against its column's rule, the first fault stopping with the line and column
 * (`participants.csv line 4, column 4 (designated_bank_account): "004-001-ABC" is not a bank account ...`).
 */
export function parseParticipants(text: string, source = 'participants.csv'): Map<string, Participant> {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n'], info: true, relax_column_count: true }) as unknown as typeof rows;
  } catch (e) {
    const err = e as { code?: string; lines?: number };
    const words = err.code === 'CSV_QUOTE_NOT_CLOSED' ? ': a quote is not closed' : /QUOTE/.test(err.code ?? '') ? ': a quote is misplaced' : '';
    throw new ConfigInvalidError(`${source}${err.lines ? ` line ${err.lines}` : ''}: not valid CSV (${err.code ?? 'unreadable'}${words})`);
  }
  const header = rows[0]?.record;
  if (!header || header.join(',') !== REGISTRY_COLUMNS.join(',')) {
    throw new ConfigInvalidError(`${source} line 1: header must be ${REGISTRY_COLUMNS.join(',')}`);
  }
  const registry = new Map<string, Participant>();
  for (const { record: row, info } of rows.slice(1)) {
    // info.lines is the record's last line; a quoted cell may span lines.
    const line = info.lines - row.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    if (row.length !== REGISTRY_COLUMNS.length) throw new ConfigInvalidError(`${source} line ${line}: expected ${REGISTRY_COLUMNS.length} fields, found ${row.length}`);
    REGISTRY_COLUMNS.forEach((column, i) => {
      const problem = CELL_RULES[column](row[i]!);
      if (problem) throw new ConfigInvalidError(`${source} line ${line}, column ${i + 1} (${column}): ${shown(row[i]!)} ${problem}`);
    });
    const [participant_id, participant_type, name, designated_bank_account, status] = row as [string, string, string, string, string];
    if (registry.has(participant_id)) throw new ConfigInvalidError(`${source} line ${line}, column 1 (participant_id): ${participant_id} is listed twice`);
    registry.set(participant_id, { participant_id, participant_type: participant_type as Channel, name, designated_bank_account, status: status as Participant['status'] });
  }
  return registry;
}

export function loadParticipantsFile(file: string): Map<string, Participant> {
  return parseParticipants(readText(file, 'participants'), file);
}
