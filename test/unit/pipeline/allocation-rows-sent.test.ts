/**
 * Issue 9: pass 2's second half is sent to its thread with the typed arrays handed over and the
 * refs as one text (sentRows / receivedRows): what the thread receives is the view that was sent.
 */
import { receivedRows, RowsView, sentRows } from '../../../src/pipeline/allocation-rows';
import { InvariantError } from '../../../src/domain/errors';

function view(refs: string[], own = true): RowsView {
  const n = refs.length;
  const typed = <T extends { subarray(b: number, e: number): T }>(make: (k: number) => T): T => (own ? make(n) : make(n + 2).subarray(1, n + 1));
  const v: RowsView = {
    base: 10, end: 10 + n, metas: [], files: [], refs,
    file: typed((k) => new Uint32Array(k)), line: typed((k) => new Float64Array(k)), order: typed((k) => new Uint32Array(k)),
    status: typed((k) => new Uint8Array(k)), code: typed((k) => new Uint16Array(k)), codes: ['OK'],
    refund: typed((k) => new Float64Array(k)), bigRefund: new Map([[11, 10n ** 20n]]), refundReason: typed((k) => new Uint8Array(k)),
    refundSeq: typed((k) => new Uint32Array(k)), pool: typed((k) => new Uint8Array(k)), allotted: typed((k) => new Float64Array(k)),
    registry: new Map(), ctx: {} as RowsView['ctx'], collectMin: undefined,
  };
  for (let i = 0; i < n; i++) {
    v.file[i] = i; v.line[i] = i + 2; v.order[i] = 10 + n - 1 - i; v.status[i] = i % 3; v.code[i] = i; v.refund[i] = i * 100;
    v.refundReason[i] = 1; v.refundSeq[i] = i + 1; v.pool[i] = i % 2; v.allotted[i] = i * 500;
  }
  return v;
}

/** A deep copy taken before sending (the send hands the sender's buffers over). */
const copyOf = (v: RowsView): RowsView => structuredClone(v);

describe('the rows sent to the second thread of pass 2', () => {
  it('arrive as they were sent: refs of every shape, the typed arrays, the rest', () => {
    const refs = ['A-1', '', 'has,comma', '"quoted"', '名字', ' ', '\r', 'Z'];
    const v = view(refs);
    const before = copyOf(v);
    const { sent, transfer } = sentRows(v);
    expect(transfer).toHaveLength(10);
    const received = receivedRows(structuredClone(sent, { transfer }));
    expect(received).toEqual(before);
    // Handed over, not copied: the sender's arrays are detached.
    expect(v.line.byteLength).toBe(0);
  });

  it('arrays that are views of larger memory are cloned, never taken from the sender', () => {
    const v = view(['a', 'b', 'c'], false);
    const before = copyOf(v);
    const { sent, transfer } = sentRows(v);
    expect(transfer).toEqual([]);
    expect(receivedRows(structuredClone(sent, { transfer }))).toEqual(before);
    expect(v.line.length).toBe(3);
  });

  it('an empty range has no refs; a ref holding an LF (never written by the parser) is caught', () => {
    const empty = view([]);
    expect(receivedRows(structuredClone(sentRows(empty).sent)).refs).toEqual([]);
    const { sent } = sentRows(view(['a', 'b\nc']));
    expect(() => receivedRows(sent)).toThrow(InvariantError);
    expect(() => receivedRows(sent)).toThrow('the rows sent to a thread hold 3 refs for 2 instructions');
  });
});
