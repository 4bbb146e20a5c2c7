/**
 * The distributed run driven as an operator drives it: real processes of the compiled CLI
 * (bin/ccass-batch.js, built by `npm test` before jest runs) against a real Redis. Each test gets
 * its own key prefix (removed afterwards); tests that restart Redis start their own redis-server
 * on a free port. Every process started here is killed by its pid when the test ends.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { rmSync } from 'node:fs';
import { copyInbox, OFFERING, PARTICIPANTS, readTree, ROOT, runCli, tempDir as makeTempDir } from '../unit/refund/cli-harness';

const temps: string[] = [];
/** A temporary folder removed by cleanTemps() (each test file calls it after all its tests). */
export function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  temps.push(dir);
  return dir;
}

export function cleanTemps(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const BIN = path.join(ROOT, 'bin/ccass-batch.js');
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
export { OFFERING, PARTICIPANTS, ROOT, copyInbox, readTree, runCli };

export interface Proc {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  out: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
}

const running = new Set<ChildProcess>();

export function start(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) => child.on('close', (code, signal) => {
    running.delete(child);
    resolve({ code, signal, out });
  }));
  return { child, out: () => out, done };
}

/** Kills every process this file started and is still running (by pid). */
export async function killAll(): Promise<void> {
  const waits = [...running].map((c) => new Promise<void>((r) => {
    if (c.exitCode !== null || c.signalCode !== null) { running.delete(c); r(); return; }
    c.once('close', () => r());
    c.kill('SIGKILL');
  }));
  await Promise.all(waits);
}

export async function stop(p: Proc, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  p.child.kill(signal);
  return p.done;
}

let serial = 0;
export function uniquePrefix(tag: string): string {
  serial += 1;
  return `t7-${tag}-${process.pid}-${serial}`;
}

export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 60_000, stepMs = 100): Promise<void> {
  const started = Date.now();
  while (!(await ok())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(stepMs);
  }
}

/** The files still in an inbox (participant/name). */
export function inboxFiles(inbox: string): string[] {
  if (!existsSync(inbox)) return [];
  return readdirSync(inbox).flatMap((p) => {
    const dir = path.join(inbox, p);
    try { return readdirSync(dir).filter((n) => n.endsWith('.csv')).map((n) => `${p}/${n}`); } catch { return []; }
  }).sort();
}

/**
 * The acknowledgements in place, counted by name while workers run: nothing is read (a temporary
 * file listed by one call may be renamed away before the next could read it).
 */
export function ackCount(work: string): number {
  const outbox = path.join(work, 'outbox');
  if (!existsSync(outbox)) return 0;
  return readdirSync(outbox).reduce((n, folder) => {
    try {
      return n + readdirSync(path.join(outbox, folder)).filter((name) => name.endsWith('.ack.csv') && !name.startsWith('.')).length;
    } catch {
      return n;
    }
  }, 0);
}

/** `outbox/...` and `allocation/...` of a work folder with their bytes. */
export function outputs(work: string): Map<string, Buffer> {
  const tree = new Map<string, Buffer>();
  for (const sub of ['outbox', 'allocation']) {
    for (const [name, bytes] of readTree(path.join(work, sub))) {
      if (path.basename(name).startsWith('.')) continue; // a temporary file of a killed process
      tree.set(`${sub}/${name}`, bytes);
    }
  }
  return tree;
}

export interface Book {
  inbox: string;
  work: string;
  offering: string;
  participants: string;
}

export function freshBook(tag: string, from?: string): Book {
  const root = tempDir(tag);
  const inbox = path.join(root, 'inbox');
  mkdirSync(inbox);
  if (from) copyInbox(from, inbox);
  return { inbox, work: path.join(root, 'work'), offering: OFFERING, participants: PARTICIPANTS };
}

export const bookArgs = (b: Book) => ['--work', b.work, '--offering', b.offering, '--participants', b.participants];

/** The embedded reference: `run` over a copy of the inbox. */
export async function embeddedRun(inboxFrom: string, price: string, seed: string): Promise<Map<string, Buffer>> {
  const b = freshBook('embedded', inboxFrom);
  const r = await runCli(['run', ...bookArgs(b), '--inbox', b.inbox, '--final-price', price, '--seed', seed]);
  if (r.code !== 0) throw new Error(`run failed: ${r.stderr}`);
  return outputs(b.work);
}

export interface Cluster {
  prefix: string;
  url: string;
  book: Book;
  watchers: Proc[];
  workers: Proc[];
  logs: string;
  redisArgs: string[];
  startWorker(env?: Record<string, string>, extra?: string[]): Proc;
  startWatcher(extra?: string[]): Proc;
  close(price: string, seed: string, extra?: string[]): Promise<{ code: number | null; out: string }>;
  stopAll(): Promise<void>;
}

/** A book served on Redis: watchers and workers started on demand, logs in their own folder. */
export function cluster(tag: string, book: Book, url = REDIS_URL, workerArgs: string[] = ['--lock-duration', '3000']): Cluster {
  const prefix = uniquePrefix(tag);
  const logs = tempDir(`${tag}-logs`);
  const redisArgs = ['--redis', url, '--prefix', prefix];
  let n = 0;
  const c: Cluster = {
    prefix, url, book, watchers: [], workers: [], logs, redisArgs,
    startWorker(env = {}, extra = []) {
      n += 1;
      const p = start(['worker', ...redisArgs, ...workerArgs, ...extra, '--log', path.join(logs, `worker-${n}.log`)], env);
      c.workers.push(p);
      return p;
    },
    startWatcher(extra = []) {
      n += 1;
      const p = start(['watch', ...redisArgs, ...bookArgs(book), '--inbox', book.inbox, '--interval', '200', '--log', path.join(logs, `watch-${n}.log`), ...extra]);
      c.watchers.push(p);
      return p;
    },
    async close(price, seed, extra = []) {
      const p = start(['close', ...redisArgs, '--final-price', price, '--seed', seed, '--wait', '--log', path.join(logs, `close-${++n}.log`), ...extra]);
      const r = await p.done;
      return { code: r.code, out: r.out };
    },
    async stopAll() {
      await Promise.all([...c.watchers, ...c.workers].map((p) => (p.child.exitCode === null && p.child.signalCode === null ? stop(p) : p.done)));
    },
  };
  return c;
}

/** Every JSON log line the cluster's processes wrote, with the log file's name as `_log`. */
export function logLines(c: Cluster): Record<string, unknown>[] {
  return readdirSync(c.logs).flatMap((f) => readFileSync(path.join(c.logs, f), 'utf8').split('\n').filter(Boolean).map((l) => ({ ...(JSON.parse(l) as Record<string, unknown>), _log: f })));
}

/** A redis-server of the test's own on a free port (for restarts). */
export interface OwnRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function ownRedis(persist: boolean): Promise<OwnRedis> {
  const port = await freePort();
  const dir = tempDir('redis-data');
  let proc: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  const ping = () => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG';
  const r: OwnRedis = {
    url, port,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', persist ? 'yes' : 'no', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction'];
      const child = spawn('redis-server', args, { stdio: 'ignore' });
      proc = child;
      running.add(child);
      child.once('close', () => running.delete(child));
      child.once('error', (e) => { throw new Error(`cannot start redis-server: ${e.message}`); });
      await until(`redis-server on port ${port}`, ping, 10_000, 50);
    },
    async stop() {
      if (!proc) return;
      const p = proc;
      proc = null;
      if (p.exitCode !== null || p.signalCode !== null) return;
      await new Promise<void>((resolve) => { p.once('close', () => resolve()); p.kill('SIGTERM'); });
    },
  };
  await r.start();
  return r;
}
