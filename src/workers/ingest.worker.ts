/**
 * `ingest`: one dropped file, through the same step as the embedded ingest (pipeline/drop.ts).
 * Only the participant's first pending drop runs (drop-ledger.ts); once judged, the next drop of
 * the participant is queued. A rejected file is a successful job: its result is the ack.
 */
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { ingestDrop } from '../pipeline/drop';
import { kick } from './enqueue';
import { retryLater } from './job-shell';
import { ingestJobSchema, parseJobData } from './queues';
import type { WorkerContext } from './worker-context';

export async function processIngest(ctx: WorkerContext, job: Job, log: Logger, token?: string) {
  const d = parseJobData(ingestJobSchema, job);
  const flog = log.child({ participant: d.folder, sha256: d.sha256, seq: d.seq });
  const turn = await ctx.ledger.turn(d.folder, d.drop);
  if (turn === 'waiting') return retryLater(job, token, 500);
  let outcome = 'ALREADY_JUDGED';
  if (turn === 'head') {
    await ctx.membership.ensure(d.book.work);
    // After Redis lost its data, a worker of the old epoch may still be finishing this very file.
    if (await ctx.membership.peersOfAnotherEpoch()) return retryLater(job, token, 2000);
    const book = await ctx.books.open(d.book);
    const report = await ingestDrop(d, {
      offering: book.offering, participants: book.registry, workDir: d.book.work, book: book.state, logger: flog, ...(ctx.onStep ? { onStep: ctx.onStep } : {}),
    });
    outcome = report.outcome;
    const { folder: _folder, file_name: _name, ...facts } = report;
    flog.info({ file: d.name, ...facts }, 'file ingested');
    await ctx.ledger.resolve(d.folder, d.drop);
  }
  await kick(ctx, d.book, d.folder);
  return { participant: d.folder, file: d.name, sha256: d.sha256, outcome };
}
