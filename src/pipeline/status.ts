/**
 * `status`: what the book is now, read-only (no lock): state and transitions, files accepted,
 * rejected and waiting, instructions accepted, valid applications, demand and subscription
 * multiple so far, the allocation's parameters once allocated, and who holds the work folder.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BookState, describeParameters, FinalTransition, IntentTransition, viewOf } from '../book/lifecycle';
import { formatSubscriptionMultiple } from '../allocate/sizing';
import { UsageError } from '../domain/errors';
import { readLifecycle } from '../io/lifecycle-file';
import { listStoredFiles } from '../io/store';
import { LOCK_FILE, LockHolder } from '../io/work-lock';
import { holdsBook, scanArrivals } from './book';
import { readCompactBook } from './allocation-files';
import { demandOfCompactBook, demandShares } from './book-demand';

export interface BookStatus {
  work: string;
  state: BookState;
  offering: { stock_code: string; issuer: string };
  transitions: { to: string; at: string; command: string; operator: string }[];
  files: { accepted: number; rejected: number; duplicates: number; waiting: number };
  instructions: { accepted: number; rejected: number };
  applications: { valid: number; multiple: number };
  demand_shares: number;
  /** Valid demand over the initial Hong Kong shares, two decimals; null when unknown. */
  subscription_multiple: string | null;
  final: FinalTransition | null;
  /** An allocation or lapse started and not finished. */
  pending: IntentTransition | null;
  /** Who holds the work folder now, if anyone. */
  held_by: LockHolder | null;
}

async function countEntries(dir: string): Promise<number> {
  let n = 0;
  for (const folder of await fs.readdir(dir).catch(() => [] as string[])) {
    n += (await fs.readdir(path.join(dir, folder)).catch(() => [] as string[])).length;
  }
  return n;
}

export async function bookStatus(work: string): Promise<BookStatus> {
  if (!(await holdsBook(work))) throw new UsageError(`--work ${work}: holds no book`);
  const lifecycle = await readLifecycle(work);
  const view = lifecycle ? viewOf(lifecycle) : null;
  const metas = await listStoredFiles(work);
  // The compact book (about 100 bytes an instruction), not the instructions: status of a book of millions.
  const book = demandOfCompactBook((await readCompactBook(work)).book);
  const demand = demandShares(book);
  const initial = lifecycle?.offering.hong_kong_initial_shares ?? 0;
  const held = await fs.readFile(path.join(work, LOCK_FILE), 'utf8').then((t) => JSON.parse(t) as LockHolder, () => null);
  const processed = await countEntries(path.join(work, 'processed'));
  return {
    work,
    state: view?.state ?? 'open',
    offering: { stock_code: lifecycle?.offering.stock_code ?? '', issuer: lifecycle?.offering.issuer ?? '' },
    transitions: (lifecycle?.transitions ?? []).map((t) => ({ to: t.to, at: t.at, command: t.command, operator: t.operator })),
    files: {
      accepted: metas.length,
      rejected: await countEntries(path.join(work, 'quarantine')),
      duplicates: Math.max(0, processed - metas.length),
      waiting: (await scanArrivals(lifecycle?.inboxes ?? [])).length,
    },
    instructions: { accepted: metas.reduce((s, m) => s + m.accepted, 0), rejected: metas.reduce((s, m) => s + m.rejected, 0) },
    applications: { valid: book.valid, multiple: book.multiple },
    demand_shares: demand,
    subscription_multiple: initial > 0 ? formatSubscriptionMultiple(demand, initial) : null,
    final: view?.final ?? null,
    pending: view?.pending ?? null,
    held_by: held,
  };
}

const n = (x: number) => x.toLocaleString('en-US');

/** The human-readable lines of `status`. */
export function describeStatus(s: BookStatus): string[] {
  const lines = [`book ${s.offering.stock_code} ${s.offering.issuer} in ${s.work}: ${s.state.toUpperCase()}`];
  for (const t of s.transitions) lines.push(`  ${t.to.padEnd(10)} ${t.at || '(time not recorded)'}  ${t.command}${t.operator ? ` by ${t.operator}` : ''}`);
  lines.push(
    `files: ${n(s.files.accepted)} accepted, ${n(s.files.rejected)} rejected whole, ${n(s.files.duplicates)} duplicate, ${n(s.files.waiting)} waiting in the inboxes`,
    `instructions: ${n(s.instructions.accepted)} accepted, ${n(s.instructions.rejected)} rejected`,
    `valid applications${s.final ? '' : ' so far'}: ${n(s.applications.valid)} (${n(s.applications.multiple)} rejected as multiple applications); demand ${n(s.demand_shares)} shares${s.subscription_multiple ? `, ${s.subscription_multiple}x subscribed` : ''}`,
  );
  if (s.final?.to === 'allocated') lines.push(`allocated at ${s.final.at} by ${s.final.operator}: ${describeParameters(s.final.parameters)}; book sha256 ${s.final.book_sha256}`);
  if (s.final?.to === 'lapsed') lines.push(`lapsed at ${s.final.at} by ${s.final.operator}: ${JSON.stringify(s.final.reason)}`);
  if (s.final?.supersedes) lines.push(`it replaced an earlier one, kept in ${s.final.supersedes.folder}/ (${JSON.stringify(s.final.supersedes.reason)})`);
  if (s.pending) lines.push(`UNFINISHED: ${s.pending.to} started at ${s.pending.at} by ${s.pending.operator}; repeat that command to finish it`);
  if (s.held_by?.group) lines.push(`held by the BullMQ workers of ${s.held_by.group} since ${s.held_by.since} (status --redis lists them)`);
  else if (s.held_by) lines.push(`held by \`${s.held_by.command}\` (pid ${s.held_by.pid} on ${s.held_by.host}, operator ${s.held_by.operator}) since ${s.held_by.since}`);
  return lines;
}
