/**
 * Reads the offering (JSON) and the participant registry (CSV) from disk, turning every fault
 * into a ConfigInvalidError with a one-line message naming the file, line and field.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { ConfigInvalidError } from '../domain/errors';
import { CHANNELS, Channel, Participant } from '../domain/types';
import { parseOffering } from '../offering/load-offering';
import { parseBallotPolicy } from '../allocate/ballot-policy';
import type { BallotPolicy } from '../domain/allocation';
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

const REGISTRY_COLUMNS = ['participant_id', 'participant_type', 'name', 'designated_bank_account', 'status'];

/** Parses participants.csv text (header row, UTF-8). */
export function parseParticipants(text: string, source = 'participants.csv'): Map<string, Participant> {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n'] }) as string[][];
  } catch (e) {
    throw new ConfigInvalidError(`${source}: not valid CSV (${(e as Error).message})`);
  }
  const header = rows[0];
  if (!header || header.join(',') !== REGISTRY_COLUMNS.join(',')) {
    throw new ConfigInvalidError(`${source} line 1: header must be ${REGISTRY_COLUMNS.join(',')}`);
  }
  const registry = new Map<string, Participant>();
  rows.slice(1).forEach((row, i) => {
    const line = i + 2;
    if (row.length !== REGISTRY_COLUMNS.length) throw new ConfigInvalidError(`${source} line ${line}: expected ${REGISTRY_COLUMNS.length} fields, found ${row.length}`);
    const [participant_id, participant_type, name, designated_bank_account, status] = row as [string, string, string, string, string];
    if (!/^[A-Z0-9]{4,12}$/.test(participant_id)) throw new ConfigInvalidError(`${source} line ${line}: participant_id "${participant_id}" must be 4-12 capital letters or digits`);
    if (!(CHANNELS as readonly string[]).includes(participant_type)) throw new ConfigInvalidError(`${source} line ${line}: participant_type "${participant_type}" must be one of ${CHANNELS.join(', ')}`);
    if (status !== 'ACTIVE' && status !== 'SUSPENDED') throw new ConfigInvalidError(`${source} line ${line}: status "${status}" must be ACTIVE or SUSPENDED`);
    if (registry.has(participant_id)) throw new ConfigInvalidError(`${source} line ${line}: participant_id ${participant_id} is listed twice`);
    registry.set(participant_id, { participant_id, participant_type: participant_type as Channel, name, designated_bank_account, status });
  });
  return registry;
}

export function loadParticipantsFile(file: string): Map<string, Participant> {
  return parseParticipants(readText(file, 'participants'), file);
}
