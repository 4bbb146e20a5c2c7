/**
 * `status --redis`: the distributed run as Redis sees it (queue depths, files waiting their turn,
 * failed jobs with their file and reason, the workers seen, the nightly provisional run), and
 * the same figures with the book's (`status`) as Prometheus text for operators
 * (`--prometheus FILE`, for node_exporter's textfile collector or any scraper). Read-only.
 */
import type { BookStatus } from '../pipeline/status';
import { describeTarget, ownKey } from './connection';
import { isAlive, MEMBER_ALIVE_MS, readMembers, type MemberInfo } from './membership';
import { registeredBook } from './book-ref';
import { provisionalSchedulerId, QUEUE_NAMES, type BookRef, type QueueName } from './queues';
import type { RunContext } from './run-context';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
type Counts = Record<(typeof STATES)[number], number>;

export interface RedisStatus {
  redis: string;
  book: BookRef | null;
  queues: Record<QueueName, Counts>;
  /** Files queued and not judged yet (in their participants' drop order). */
  files_pending: { total: number; participants: number };
  failed_jobs: { queue: QueueName; id: string; participant: string | null; file: string | null; reason: string; attempts: number; failed_at: string | null }[];
  /** Members (watchers, workers, close) heard of in the last day; alive: heard of in the last 30 seconds. */
  workers: (MemberInfo & { alive: boolean })[];
  last_provisional: { date: string; run_at: string; path: string; valid_applications: number; subscription_multiple: string } | null;
  provisional_schedule: { pattern: string | null; every: number | null; tz: string | null; next: string | null } | null;
}

export async function redisStatus(ctx: RunContext): Promise<RedisStatus> {
  const queues = {} as Record<QueueName, Counts>;
  const failed: RedisStatus['failed_jobs'] = [];
  for (const name of QUEUE_NAMES) {
    const q = ctx.queues[name];
    const c = await q.getJobCounts(...STATES);
    queues[name] = Object.fromEntries(STATES.map((s) => [s, c[s] ?? 0])) as Counts;
    for (const job of await q.getFailed(0, 19)) {
      const d = (job.data ?? {}) as { folder?: string; name?: string };
      failed.push({
        queue: name, id: String(job.id), participant: d.folder ?? null, file: d.name ?? null, reason: job.failedReason ?? '',
        attempts: job.attemptsMade, failed_at: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      });
    }
  }
  const pending = await ctx.ledger.pending();
  const now = Date.now();
  const workers = (await readMembers(ctx.redis, ctx.target))
    .filter((m) => now - Date.parse(m.last_seen) < 24 * 3600_000)
    .map((m) => ({ ...m, alive: isAlive(m, now) }));
  const last = await ctx.redis.get(ownKey(ctx.target, 'provisional', 'last'));
  const book = await registeredBook(ctx.redis, ctx.target);
  const scheduler = book ? await ctx.queues.provisional.getJobScheduler(provisionalSchedulerId(book.work)) : undefined;
  return {
    redis: describeTarget(ctx.target),
    book,
    queues,
    files_pending: { total: [...pending.values()].reduce((s, n) => s + n, 0), participants: pending.size },
    failed_jobs: failed,
    workers,
    last_provisional: last ? (JSON.parse(last) as RedisStatus['last_provisional']) : null,
    provisional_schedule: scheduler
      ? { pattern: scheduler.pattern ?? null, every: scheduler.every ? Number(scheduler.every) : null, tz: scheduler.tz ?? null, next: scheduler.next ? new Date(scheduler.next).toISOString() : null }
      : null,
  };
}

export function describeRedisStatus(s: RedisStatus): string[] {
  const lines = [`redis: ${s.redis}${s.book ? `, serving the book in ${s.book.work}` : ', no book registered (no watcher has run)'}`];
  for (const name of QUEUE_NAMES) {
    const c = s.queues[name];
    lines.push(`  queue ${name.padEnd(11)} waiting ${c.waiting}, active ${c.active}, delayed ${c.delayed}, failed ${c.failed}, completed ${c.completed}`);
  }
  lines.push(`files queued, not judged yet: ${s.files_pending.total} (${s.files_pending.participants} participant(s))`);
  for (const f of s.failed_jobs) {
    lines.push(`  FAILED ${f.queue} ${f.id}${f.participant ? ` (${f.participant}/${f.file})` : ''} after ${f.attempts} attempt(s): ${f.reason}`);
  }
  const alive = s.workers.filter((w) => w.alive);
  lines.push(`workers seen: ${alive.length} alive (heard of in the last ${MEMBER_ALIVE_MS / 1000} s), ${s.workers.length - alive.length} stopped or silent in the last day`);
  for (const w of s.workers) {
    lines.push(`  ${w.alive ? 'alive  ' : w.stopped ? 'stopped' : 'silent '} ${w.id}${w.queues.length ? ` [${w.queues.join(',')}]` : ''} last seen ${w.last_seen}`);
  }
  const p = s.last_provisional;
  lines.push(p ? `last provisional run: ${p.date} (at ${p.run_at}): ${p.valid_applications} valid applications, ${p.subscription_multiple}x; ${p.path}` : 'last provisional run: none yet');
  const sch = s.provisional_schedule;
  if (sch) lines.push(`next provisional run: ${sch.next ?? 'not planned'} (${sch.pattern ? `${sch.pattern} ${sch.tz}` : `every ${sch.every} ms`})`);
  return lines;
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Prometheus text exposition (format 0.0.4) of the book's and the run's figures. */
export function prometheusText(prefix: string, book: BookStatus | null, r: RedisStatus): string {
  const out: string[] = [];
  const metric = (name: string, help: string, samples: [Record<string, string>, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) {
      const l = Object.entries({ prefix, ...labels }).map(([k, v]) => `${k}="${label(v)}"`).join(',');
      out.push(`${name}{${l}} ${value}`);
    }
  };
  metric('ccass_queue_jobs', 'Jobs per queue and state', QUEUE_NAMES.flatMap((q) => STATES.map((s): [Record<string, string>, number] => [{ queue: q, state: s }, r.queues[q][s]])));
  metric('ccass_files_pending', 'Files queued and not judged yet', [[{}, r.files_pending.total]]);
  metric('ccass_workers_alive', 'Watchers and workers heard of in the last 30 seconds', [[{}, r.workers.filter((w) => w.alive).length]]);
  metric('ccass_provisional_last_run_timestamp_seconds', 'When the last provisional run was made (0: never)', [[{}, r.last_provisional ? Math.floor(Date.parse(r.last_provisional.run_at) / 1000) : 0]]);
  if (book) {
    metric('ccass_book_state', 'The book\'s state (1 for the current one)', ['open', 'closed', 'allocated', 'lapsed'].map((s): [Record<string, string>, number] => [{ state: s }, book.state === s ? 1 : 0]));
    metric('ccass_files', 'Files by outcome', [[{ outcome: 'accepted' }, book.files.accepted], [{ outcome: 'rejected' }, book.files.rejected], [{ outcome: 'duplicate' }, book.files.duplicates], [{ outcome: 'waiting' }, book.files.waiting]]);
    metric('ccass_instructions', 'Instructions of accepted files', [[{ status: 'accepted' }, book.instructions.accepted], [{ status: 'rejected' }, book.instructions.rejected]]);
    metric('ccass_valid_applications', 'Valid applications so far', [[{}, book.applications.valid]]);
    metric('ccass_demand_shares', 'Shares applied for by valid applications', [[{}, book.demand_shares]]);
    metric('ccass_subscription_multiple', 'Valid demand over the initial Hong Kong shares', [[{}, Number(book.subscription_multiple ?? 0)]]);
  }
  return out.join('\n') + '\n';
}
