/**
 * Records of a CSV file this system wrote (refunds.csv, issuance events), streamed with their
 * bytes hashed on the way: memory is bounded by the longest record, not the file. A quoted
 * field may hold a line break (a registry name could); lines are joined until the quotes close.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InvariantError, StorageError } from '../domain/errors';
import { insideQuotes, splitCsvRecord } from '../treasury/csv-record';

export interface CsvRecordStream {
  /** Records in file order, with the 1-based line each starts on (the header is line 1). */
  records: AsyncGenerator<{ line: number; cells: string[] }>;
  /** SHA-256 (hex) and size of the bytes read; complete once `records` is exhausted. */
  digest(): { sha256: string; bytes: number };
}

export function readCsvRecords(file: string): CsvRecordStream {
  const hash = createHash('sha256');
  let bytes = 0;
  let sha256 = '';
  async function* records(): AsyncGenerator<{ line: number; cells: string[] }> {
    const decoder = new StringDecoder('utf8');
    let carry = '';
    let lineNo = 0;
    let record = '';
    let startLine = 0;
    const take = function* (text: string): Generator<{ line: number; cells: string[] }> {
      lineNo += 1;
      const first = startLine === 0;
      if (first) startLine = lineNo;
      record = first ? text : `${record}\n${text}`;
      if (insideQuotes(record)) return;
      const cells = splitCsvRecord(record);
      if (!cells) throw new InvariantError(`${file} line ${startLine}: not a well-formed CSV record`);
      record = '';
      const line = startLine;
      startLine = 0;
      yield { line, cells };
    };
    try {
      for await (const chunk of createReadStream(file)) {
        const buf = chunk as Buffer;
        hash.update(buf);
        bytes += buf.length;
        const text = carry + decoder.write(buf);
        const lines = text.split('\n');
        carry = lines.pop()!;
        for (const l of lines) yield* take(l);
      }
    } catch (e) {
      if (e instanceof InvariantError) throw e;
      throw new StorageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    const rest = carry + decoder.end();
    if (rest !== '') yield* take(rest);
    if (startLine !== 0) throw new InvariantError(`${file}: ends inside a quoted field`);
    sha256 = hash.digest('hex');
  }
  return {
    records: records(),
    digest: () => {
      if (sha256 === '') throw new InvariantError(`${file}: digest asked before the file was read to the end`);
      return { sha256, bytes };
    },
  };
}
