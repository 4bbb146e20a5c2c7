/**
 * The drop ledger: per participant folder, the files dropped and not yet judged, in drop order.
 * It is what makes the distributed ingest judge one participant's files exactly as the embedded
 * ingest does (refs: first use wins; file_seq replays), whichever worker takes them:
 *
 * - order: every file a watcher finds gets the next sequence number of its participant, files
 *   found together in the order the embedded ingest takes them (file name as UTF-8 bytes);
 * - one at a time: only the participant's first pending drop (the head) has an ingest job; the
 *   job of file k is queued when file k-1 is resolved (or by any watcher's next scan), so two
 *   workers never hold two files of one participant, hence never the same file;
 * - once: a file seen before (same inbox, folder, name, device, inode, size and mtime, the very
 *   identity the close records) is never given a second drop, even after its job was removed
 *   from Redis; a later drop of the same bytes (a re-send) is a new drop, answered
 *   DUPLICATE_FILE like the embedded run answers it.
 *
 * Keys (`<prefix>:ccass:...`): drops:<folder> (sorted set: drop id by sequence number),
 * drop:<folder> (hash: drop id -> the file), seen:<folder> (hash: file identity -> drop id),
 * counters:<folder> (hash: seq, sha:<sha256> -> drops of those bytes), folders (set). Losing them
 * (a Redis restarted without persistence) loses no file: the watcher's next scan finds every file
 * still in the inboxes again, in name order.
 */
import type { Redis } from 'ioredis';
import type { InboxEntry } from '../book/lifecycle';
import { ownKey, RedisTarget } from './connection';

export interface Drop {
  id: string;
  seq: number;
  inbox: string;
  folder: string;
  name: string;
  sha256: string;
}

/** A file as found in an inbox, hashed. */
export interface FoundFile {
  entry: InboxEntry;
  sha256: string;
}

/**
 * `watch`: a file seen before is never added again. `close`: a file whose earlier drop was
 * resolved while it stayed in its inbox (it waited for its trailer) is added again, to be judged
 * with the lists closed.
 */
export type AddMode = 'watch' | 'close';

const ADD = `
local out = {}
local n = tonumber(ARGV[2])
for i = 0, n - 1 do
  local key, sha, info = ARGV[3 + i * 3], ARGV[4 + i * 3], ARGV[5 + i * 3]
  local existing = redis.call('HGET', KEYS[3], key)
  if existing and (ARGV[1] == 'watch' or redis.call('ZSCORE', KEYS[1], existing)) then
    table.insert(out, 0)
  else
    local seq = redis.call('HINCRBY', KEYS[4], 'seq', 1)
    local count = redis.call('HINCRBY', KEYS[4], 'sha:' .. sha, 1)
    local id = sha
    if count > 1 then id = sha .. '.' .. count end
    redis.call('HSET', KEYS[3], key, id)
    redis.call('ZADD', KEYS[1], seq, id)
    redis.call('HSET', KEYS[2], id, info)
    redis.call('SADD', KEYS[5], ARGV[3 + n * 3])
    table.insert(out, 1)
  end
end
return out
`;

const RESOLVE = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('SREM', KEYS[3], ARGV[2]) end
return 1
`;

const PENDING = `
local out = {}
for i = 1, #ARGV do
  local id = redis.call('HGET', KEYS[2], ARGV[i])
  if id and redis.call('ZSCORE', KEYS[1], id) then table.insert(out, 1) else table.insert(out, 0) end
end
return out
`;

function identityKey(e: InboxEntry): string {
  return JSON.stringify([e.inbox, e.folder, e.name, e.dev, e.ino, e.size, e.mtime_ms]);
}

export class DropLedger {
  constructor(private readonly redis: Redis, private readonly target: RedisTarget) {}

  private script(lua: string, keys: string[], args: string[]): Promise<unknown> {
    return this.redis.eval(lua, keys.length, ...[...keys, ...args]);
  }

  private keys(folder: string) {
    const k = (what: string) => ownKey(this.target, what, folder);
    return { drops: k('drops'), drop: k('drop'), seen: k('seen'), counters: k('counters'), folders: ownKey(this.target, 'folders') };
  }

  /** Adds the files of one participant folder, in the order given; returns how many were new. */
  async add(folder: string, files: readonly FoundFile[], mode: AddMode): Promise<number> {
    if (files.length === 0) return 0;
    const k = this.keys(folder);
    const args: string[] = [mode, String(files.length)];
    for (const f of files) {
      args.push(identityKey(f.entry), f.sha256, JSON.stringify({ inbox: f.entry.inbox, folder: f.entry.folder, name: f.entry.name, sha256: f.sha256 }));
    }
    args.push(folder);
    const added = (await this.script(ADD, [k.drops, k.drop, k.seen, k.counters, k.folders], args)) as number[];
    return added.filter((a) => a === 1).length;
  }

  /** Which of these files of one folder already have a pending drop (no need to hash them). */
  async hasPendingDrop(folder: string, entries: readonly InboxEntry[]): Promise<boolean[]> {
    if (entries.length === 0) return [];
    const k = this.keys(folder);
    const flags = (await this.script(PENDING, [k.drops, k.seen], entries.map(identityKey))) as number[];
    return flags.map((f) => f === 1);
  }

  /** The participant's first pending drop, or null. */
  async head(folder: string): Promise<Drop | null> {
    const k = this.keys(folder);
    const [id, score] = await this.redis.zrange(k.drops, 0, '0', 'WITHSCORES');
    if (id === undefined) return null;
    const info = await this.redis.hget(k.drop, id);
    if (info === null) return null;
    return { id, seq: Number(score), ...(JSON.parse(info) as Omit<Drop, 'id' | 'seq'>) };
  }

  /** Where a drop stands: its turn, waiting behind an earlier one, or resolved (gone). */
  async turn(folder: string, id: string): Promise<'head' | 'waiting' | 'gone'> {
    const k = this.keys(folder);
    if ((await this.redis.zscore(k.drops, id)) === null) return 'gone';
    const [first] = await this.redis.zrange(k.drops, 0, '0');
    return first === id ? 'head' : 'waiting';
  }

  /** The drop was judged (or there was nothing left to judge): the next one may go. */
  async resolve(folder: string, id: string): Promise<void> {
    const k = this.keys(folder);
    await this.script(RESOLVE, [k.drops, k.drop, k.folders], [id, folder]);
  }

  /** Folders with pending drops, and how many each. */
  async pending(): Promise<Map<string, number>> {
    const folders = (await this.redis.smembers(ownKey(this.target, 'folders'))).sort();
    const counts = new Map<string, number>();
    for (const folder of folders) {
      const n = await this.redis.zcard(this.keys(folder).drops);
      if (n > 0) counts.set(folder, n);
    }
    return counts;
  }
}
