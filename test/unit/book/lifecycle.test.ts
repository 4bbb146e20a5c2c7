/** The book's lifecycle as pure decisions: states, admission of a file, allocation and lapse plans. */
import {
  Actor, admitFile, AllocationRecord, Arrival, Lifecycle, openBook, pendingArrivals, planAllocation, planLapse, viewOf, withTransition,
} from '../../../src/book/lifecycle';
import { BookStateError } from '../../../src/domain/errors';

const actor = (at: string, command = 'test'): Actor => ({ at, command, operator: 'op', host: 'h', pid: 1 });
const arrival = (name: string, over: Partial<Arrival> = {}): Arrival => ({ inbox: '/in', folder: 'BRK001', name, dev: 1, ino: 10, size: 100, mtime_ms: 5, ...over });
const params = (seed = 's', price = '3.85'): AllocationRecord => ({ final_price: price, seed, reallocate_shares: null, ballot_policy: null });
const open = (): Lifecycle => openBook({ stock_code: '0020', issuer: 'X', hong_kong_initial_shares: 1000 }, actor('2021-12-20T01:00:00.000Z'));
const closed = (...arrivals: Arrival[]) => withTransition(open(), { ...actor('2021-12-23T04:00:00.000Z'), to: 'closed', arrivals });
const allocated = (l: Lifecycle, p = params(), at = '2021-12-23T05:00:00.000Z') =>
  withTransition(withTransition(l, { ...actor(at), to: 'allocating', parameters: p, supersedes: null }),
    { ...actor(at), to: 'allocated', parameters: p, supersedes: null, book_sha256: 'b', manifest_sha256: 'm1' });

describe('viewOf', () => {
  it('walks the transitions: open, closed, allocating (pending), allocated', () => {
    expect(viewOf(open())).toMatchObject({ state: 'open', closed: null, final: null, pending: null, finals: 0 });
    expect(viewOf(closed())).toMatchObject({ state: 'closed', final: null, pending: null });
    const intent = withTransition(closed(), { ...actor('t'), to: 'allocating', parameters: params(), supersedes: null });
    expect(viewOf(intent)).toMatchObject({ state: 'closed', pending: { to: 'allocating' }, final: null });
    expect(viewOf(allocated(closed()))).toMatchObject({ state: 'allocated', pending: null, finals: 1, final: { manifest_sha256: 'm1' } });
  });
});

describe('admitFile', () => {
  const entry = arrival('a.csv');
  it('an open book admits every file, lists open', () => {
    expect(admitFile(open(), entry)).toEqual({ admit: true, listsClosed: false });
  });
  it('a closed book admits an arrival unchanged since the close, with the lists closed', () => {
    expect(admitFile(closed(entry), entry)).toEqual({ admit: true, listsClosed: true });
  });
  it.each([
    ['a file not in the inbox at the close', arrival('b.csv'), /^the book was closed at 2021-12-23T04:00:00.000Z$/],
    ['an arrival replaced by another file', arrival('a.csv', { ino: 11 }), /changed after the close/],
    ['an arrival that grew after the close', arrival('a.csv', { size: 101 }), /changed after the close/],
    ['an arrival touched after the close', arrival('a.csv', { mtime_ms: 6 }), /changed after the close/],
    ['the same name in another inbox', arrival('a.csv', { inbox: '/other' }), /^the book was closed at/],
  ])('BOOK_CLOSED: %s', (_what, e, detail) => {
    const a = admitFile(closed(entry), e);
    expect(a.admit).toBe(false);
    expect(a.admit ? '' : a.detail).toMatch(detail);
  });
  it('after the allocation no file is admitted, not even an arrival', () => {
    expect(admitFile(allocated(closed(entry)), entry)).toEqual({ admit: false, detail: 'the book was closed at 2021-12-23T04:00:00.000Z and allocated at 2021-12-23T05:00:00.000Z' });
  });
  it('pendingArrivals: the arrivals still present as they were', () => {
    expect(pendingArrivals(closed(entry, arrival('b.csv')), [entry, arrival('b.csv', { size: 1 })])).toEqual([entry]);
    expect(pendingArrivals(open(), [entry])).toEqual([]);
  });
});

describe('planAllocation', () => {
  it('an open book is closed first', () => {
    expect(planAllocation(open(), params(), null)).toEqual({ kind: 'close-first' });
  });
  it('a closed book is written', () => {
    expect(planAllocation(closed(), params(), null)).toEqual({ kind: 'write', supersedes: null, resume: false });
  });
  it('the same parameters again: already final, nothing to write', () => {
    expect(planAllocation(allocated(closed()), params(), null)).toMatchObject({ kind: 'already', final: { to: 'allocated' } });
  });
  it('other parameters without --supersede: refused, naming the first allocation', () => {
    expect(() => planAllocation(allocated(closed()), params('other'), null)).toThrow(BookStateError);
    expect(() => planAllocation(allocated(closed()), params('other'), null)).toThrow(
      'the book was allocated at 2021-12-23T05:00:00.000Z by op (final price 3.85, seed "s"); a new allocation needs --supersede --reason TEXT',
    );
  });
  it('--supersede: written, the n-th replaced allocation kept in allocation/superseded/<n>', () => {
    const once = allocated(closed());
    expect(planAllocation(once, params('other'), { reason: 'wrong seed' })).toEqual({ kind: 'write', supersedes: { folder: 'allocation/superseded/1', reason: 'wrong seed' }, resume: false });
    expect(planAllocation(allocated(once, params('other')), params('third'), { reason: 'again' })).toMatchObject({ supersedes: { folder: 'allocation/superseded/2' } });
  });
  it('an interrupted allocation is finished with the same parameters, refused with others', () => {
    const intent = withTransition(closed(), { ...actor('2021-12-23T05:00:00.000Z'), to: 'allocating', parameters: params(), supersedes: null });
    expect(planAllocation(intent, params(), null)).toEqual({ kind: 'write', supersedes: null, resume: true });
    expect(() => planAllocation(intent, params('x'), null)).toThrow(/^an allocation with final price 3\.85, seed "s" was started at 2021-12-23T05:00:00\.000Z by op and did not finish/);
  });
  it('after a lapse: refused', () => {
    const lapsed = withTransition(closed(), { ...actor('2021-12-28T01:00:00.000Z'), to: 'lapsed', reason: 'terminated', supersedes: null, manifest_sha256: 'm' });
    expect(() => planAllocation(lapsed, params(), null)).toThrow('the offering lapsed at 2021-12-28T01:00:00.000Z by op ("terminated"): nothing can be allocated');
  });
});

describe('planLapse', () => {
  it('open: close first; closed: written; allocated: written, keeping the allocation; lapsed: already', () => {
    expect(planLapse(open(), 'r')).toEqual({ kind: 'close-first' });
    expect(planLapse(closed(), 'r')).toEqual({ kind: 'write', supersedes: null, resume: false });
    expect(planLapse(allocated(closed()), 'r')).toEqual({ kind: 'write', supersedes: { folder: 'allocation/superseded/1', reason: 'r' }, resume: false });
    const lapsed = withTransition(closed(), { ...actor('t'), to: 'lapsed', reason: 'r', supersedes: null, manifest_sha256: 'm' });
    expect(planLapse(lapsed, 'r')).toMatchObject({ kind: 'already' });
  });
});
