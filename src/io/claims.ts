/**
 * The claim journal: `<work>/claims/<folder>/<file name>.json`, written before a file is processed
 * and removed after it is moved out of the inbox. A claim found on start means a run stopped part
 * way: if the store already has the file committed, the pipeline finishes (ack, move) from the
 * store instead of answering DUPLICATE_FILE.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic-write';

export interface Claim {
  folder: string;
  file_name: string;
  sha256: string;
}

function claimPath(work: string, folder: string, fileName: string): string {
  return path.join(work, 'claims', folder, `${fileName}.json`);
}

export async function writeClaim(work: string, claim: Claim): Promise<void> {
  await writeFileAtomic(claimPath(work, claim.folder, claim.file_name), JSON.stringify(claim) + '\n');
}

export async function readClaim(work: string, folder: string, fileName: string): Promise<Claim | null> {
  try {
    return JSON.parse(await fs.readFile(claimPath(work, folder, fileName), 'utf8')) as Claim;
  } catch {
    return null;
  }
}

export async function removeClaim(work: string, folder: string, fileName: string): Promise<void> {
  await fs.rm(claimPath(work, folder, fileName), { force: true });
}

/** Removes claims whose inbox file is gone (the run stopped after the move, before the removal). */
export async function removeStaleClaims(work: string, inboxDir: string): Promise<void> {
  const root = path.join(work, 'claims');
  let folders: string[];
  try {
    folders = await fs.readdir(root);
  } catch {
    return;
  }
  for (const folder of folders) {
    for (const name of await fs.readdir(path.join(root, folder)).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) continue;
      const inboxFile = path.join(inboxDir, folder, name.slice(0, -'.json'.length));
      const exists = await fs.access(inboxFile).then(() => true, () => false);
      if (!exists) await fs.rm(path.join(root, folder, name), { force: true });
    }
  }
}
