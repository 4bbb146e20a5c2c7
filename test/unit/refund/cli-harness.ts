/** Shared by the allocation CLI tests: a temporary work folder with a hand-made store. */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { StoredInstruction } from '../../../src/domain/types';
import { openStoredFileWriter } from '../../../src/io/store';

export const ROOT = path.join(__dirname, '../../..');
export const OFFERING = path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json');
export const PARTICIPANTS = path.join(ROOT, 'samples/participants.csv');

/**
 * A temporary folder inside the run's folder of them (test/temp-root.setup.ts), which the global
 * teardown removes once every test file has finished; the system's when jest runs without it.
 */
export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(process.env.CCASS_TEST_TMP ?? os.tmpdir(), `ccass-${prefix}-`));
}

/** Commits one stored file holding the instructions (all of one participant). */
export async function storeFile(work: string, instructions: StoredInstruction[], sha256: string): Promise<void> {
  const first = instructions[0]!;
  const writer = await openStoredFileWriter(work, first.participant_id, sha256);
  for (const i of instructions) await writer.write({ ...i, file_sha256: sha256 });
  const rejected = instructions.filter((i) => i.status === 'REJECTED').length;
  await writer.commit({
    participant_id: first.participant_id, channel: first.channel, file_name: first.file_name, file_seq: first.file_seq, file_sha256: sha256,
    records: instructions.length, accepted: instructions.length - rejected, rejected,
  });
}

export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'ccass-batch', ...args], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** Every file (relative path) under dir with its bytes; empty when dir is missing. */
export function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (sub: string) => {
    if (!existsSync(path.join(dir, sub))) return;
    for (const e of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else files.set(rel, readFileSync(path.join(dir, rel)));
    }
  };
  walk('');
  return files;
}

/** Missing, extra, and the first differing line of each differing file; empty when identical. */
export function compareTrees(actual: Map<string, Buffer>, expected: Map<string, Buffer>): string[] {
  const problems: string[] = [];
  for (const name of [...expected.keys()].sort()) if (!actual.has(name)) problems.push(`missing: ${name}`);
  for (const name of [...actual.keys()].sort()) if (!expected.has(name)) problems.push(`extra: ${name}`);
  for (const [name, want] of [...expected.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const got = actual.get(name);
    if (!got || got.equals(want)) continue;
    const gotLines = got.toString('utf8').split('\n');
    const wantLines = want.toString('utf8').split('\n');
    const i = wantLines.findIndex((line, n) => line !== gotLines[n]);
    const at = i === -1 ? wantLines.length : i;
    problems.push(`differs: ${name} line ${at + 1}\n  expected: ${JSON.stringify(wantLines[at])}\n  actual:   ${JSON.stringify(gotLines[at])}`);
  }
  return problems;
}

/**
 * Copies inbox/<participant>/*.csv into a new inbox. `shuffle` renames every file and creates them
 * in reverse order, so directory listing order and names differ from the original.
 */
export function copyInbox(from: string, to: string, shuffle = false): number {
  let copied = 0;
  for (const participant of readdirSync(from).sort()) {
    const src = path.join(from, participant);
    if (!statSync(src).isDirectory()) continue;
    mkdirSync(path.join(to, participant), { recursive: true });
    const names = readdirSync(src).filter((n) => statSync(path.join(src, n)).isFile()).sort();
    const order = shuffle ? [...names].reverse() : names;
    order.forEach((name, n) => {
      const ext = path.extname(name);
      const reversed = path.basename(name, ext).split('').reverse().join('');
      const target = shuffle ? `${String(n + 1).padStart(3, '0')}-renamed-${reversed}${ext}` : name;
      copyFileSync(path.join(src, name), path.join(to, participant, target));
      copied += 1;
    });
  }
  return copied;
}

/** The arguments of the `npm start` script (package.json), with --work and --inbox replaced. */
export function startScriptArgs(replace: { work: string; inbox: string }): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  const args = words.slice(words.indexOf('bin/ccass-batch.js') + 1);
  const set = (flag: string, value: string) => {
    const i = args.indexOf(flag);
    if (i < 0) throw new Error(`npm start has no ${flag}`);
    args[i + 1] = value;
  };
  set('--work', replace.work);
  set('--inbox', replace.inbox);
  return args.map((a) => (a.startsWith('samples/') ? path.join(ROOT, a) : a));
}
