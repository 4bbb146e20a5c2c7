/**
 * Validates XML files against the repository's copy of the pain.001.001.09 schema with xmllint
 * (libxml2-utils; .ci/run installs it). A missing xmllint fails the test: never a silent skip.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const PAIN001_XSD = path.join(__dirname, '../../../schemas/iso20022/pain.001.001.09.xsd');

export function xmllintSchema(file: string): { ok: boolean; output: string } {
  const r = spawnSync('xmllint', ['--noout', '--schema', PAIN001_XSD, file], { encoding: 'utf8' });
  if (r.error) throw new Error(`xmllint could not be run (install libxml2-utils): ${r.error.message}`);
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}
