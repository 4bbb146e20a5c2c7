/**
 * A generated book whose outcome depends on the order in which each participant's files are
 * judged, so that a distributed run taking them in another order could not give the embedded
 * run's bytes: file k of a participant reuses a ref of file k-1 (first use wins: REF_REUSED in
 * the later one), the last file replays the first's file_seq (FILE_SEQ_REPLAYED), a re-sent copy
 * sorts before its original (the original becomes DUPLICATE_FILE), a few identities apply
 * through two participants (MULTIPLE_APPLICATION), and one file never gets its trailer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { dLine, fileText, hkid, hLine, participants } from '../unit/validate/fixture';

const QUANTITIES = ['1000', '2000', '3000', '5000', '10000', '20000', '50000', '100000', '500000', '1000000'];

export interface BuiltBook {
  files: number;
  /** Files with a trailer (what the watcher queues before the close). */
  complete: number;
  instructions: number;
}

export function writeOrderedBook(inbox: string, o: { participants: string[]; files: number; records: number; tag?: string }): BuiltBook {
  let serial = 0;
  let files = 0;
  let instructions = 0;
  const tag = o.tag ?? 'G';
  const write = (p: string, name: string, text: string) => {
    mkdirSync(path.join(inbox, p), { recursive: true });
    writeFileSync(path.join(inbox, p, name), text);
    files += 1;
  };
  o.participants.forEach((p, pi) => {
    const type = participants.get(p)!.participant_type;
    const channel = type === 'WHITE_FORM' ? 'WHITE_FORM' : 'CCASS';
    for (let k = 1; k <= o.files; k++) {
      const lines: string[] = [];
      for (let i = 0; i < o.records; i++) {
        serial += 1;
        // Identities 1..5 of each file of the first two participants are shared: multiple applications.
        const shared = pi < 2 && k === 1 && i < 5;
        const id = hkid(shared ? 'M' : 'G', String(shared ? 100000 + i : 200000 + serial));
        const ref = k > 1 && i === 0 ? `${tag}${p}-${k - 1}-1` : `${tag}${p}-${k}-${i}`;
        lines.push(dLine({ ref, id, shares: QUANTITIES[(serial * 7 + i) % QUANTITIES.length]!, name: `CHAN Tai Man ${String.fromCharCode(65 + (serial % 26))}` }, channel));
      }
      instructions += lines.length;
      const seq = k === o.files && o.files > 2 ? 1 : k;
      const text = fileText(lines, hLine(p, type, String(seq)));
      write(p, `f${String(k).padStart(2, '0')}.csv`, text);
      if (k === 1) write(p, 'f01-resend.csv', text);
    }
  });
  const last = o.participants[o.participants.length - 1]!;
  const type = participants.get(last)!.participant_type;
  write(last, 'zz-partial.csv', [hLine(last, type, '99'), dLine({ ref: `${tag}partial-1`, id: hkid('P', '123456') }, type === 'WHITE_FORM' ? 'WHITE_FORM' : 'CCASS')].join('\n') + '\n');
  return { files, complete: files - 1, instructions };
}
