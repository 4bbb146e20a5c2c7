/**
 * The CLI starts without loading the libraries of the commands not run: BullMQ and ioredis
 * (watch, worker, close --redis, status --redis), fastify (serve), xmlbuilder2 (pay). Loading them
 * took about 0.3 s of every ingest, allocate or run (docs/performance.md, "Start-up").
 * Runs on the compiled CLI (`npm test` builds dist/ before jest).
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const MAIN = path.resolve(__dirname, '../../../dist/cli/main.js');

function loadedPackages(script: string): string[] {
  const out = execFileSync(process.execPath, ['-e', `${script}
    const names = Object.keys(require.cache).filter((k) => k.includes('/node_modules/')).map((k) => k.split('/node_modules/').pop().split('/').slice(0, k.split('/node_modules/').pop().startsWith('@') ? 2 : 1).join('/'));
    process.stdout.write(JSON.stringify([...new Set(names)].sort()));`], { encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

const HEAVY = ['bullmq', 'ioredis', 'fastify', 'helmet', '@fastify/rate-limit', 'xmlbuilder2'];

test('loading the CLI loads none of the heavy libraries of other commands', () => {
  const loaded = loadedPackages(`require(${JSON.stringify(MAIN)}).buildProgram({ stdout() {}, stderr() {}, stderrIsTTY: false });`);
  expect(loaded).toContain('commander');
  expect(loaded.filter((p) => HEAVY.includes(p))).toEqual([]);
});

test('the worker code, when loaded, does bring BullMQ (the check above can see it)', () => {
  const loaded = loadedPackages(`require(${JSON.stringify(path.resolve(__dirname, '../../../dist/workers/worker-runner.js'))});`);
  expect(loaded).toEqual(expect.arrayContaining(['bullmq', 'ioredis']));
});
