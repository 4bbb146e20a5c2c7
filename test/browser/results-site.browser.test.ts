/// <reference lib="dom" />
/**
 * The results site in a real browser: the OS's headless Chromium (/usr/bin/chromium, installed by
 * .ci/run when missing) driven by playwright-core, at a phone's width. `serve` is started through
 * the CLI on a loopback port over the sample book (and over the clawback golden book, the only one
 * with ballot losers), then a successful, an unsuccessful (lost the ballot), a rejected, a joint
 * and an unknown number are searched through the form, and what the page shows is checked against
 * results.csv and refunds.csv, read here on their own. Screenshots go to test-artifacts/browser/
 * (git-ignored).
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { openBook, withTransition } from '../../src/book/lifecycle';
import { parse } from 'csv-parse/sync';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { main } from '../../src/cli/main';
import { OFFERING, ROOT, tempDir } from '../unit/refund/cli-harness';

jest.setTimeout(60_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-artifacts/browser');
const PHONE = { width: 390, height: 844 };

type Row = { [column: string]: string };

interface Book {
  base: string;
  stop: AbortController;
  running: Promise<number>;
  results: Row[];
  /** Each results row's refund row (refunds.csv rows in order onto the next row of the same reference). */
  refunds: (Row | null)[];
}

/** A work folder holding a copy of a golden allocation (byte for byte, so its manifest holds). */
function workWith(allocation: string): string {
  const work = tempDir('browser-work');
  mkdirSync(path.join(work, 'allocation'));
  for (const f of readdirSync(allocation)) copyFileSync(path.join(allocation, f), path.join(work, 'allocation', f));
  // The book's record: this allocation is the final one (the publishing gate checks its manifest).
  const actor = { at: '2021-12-23T06:00:00.000Z', command: 'allocate', operator: 'test', host: 'h', pid: 1 };
  const summary = JSON.parse(readFileSync(path.join(allocation, 'summary.json'), 'utf8'));
  const parameters = { final_price: summary.final_price, seed: summary.draw.seed, reallocate_shares: null, ballot_policy: null };
  const lifecycle = withTransition(withTransition(openBook({ stock_code: '0020', issuer: 'x', hong_kong_initial_shares: 1 }, actor), { ...actor, to: 'closed', arrivals: [] }), {
    ...actor, to: 'allocated', parameters, supersedes: null, book_sha256: summary.draw.book_sha256,
    manifest_sha256: createHash('sha256').update(readFileSync(path.join(allocation, 'manifest.json'))).digest('hex'),
  });
  writeFileSync(path.join(work, 'lifecycle.json'), JSON.stringify(lifecycle));
  return work;
}

async function startServe(allocation: string): Promise<Book> {
  const work = workWith(allocation);
  const stop = new AbortController();
  let stdout = '';
  let stderr = '';
  const running = main(['node', 'ccass-batch', 'serve', '--work', work, '--offering', OFFERING, '--port', '0', '--clock', '2021-12-29T09:00'],
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), stop: stop.signal });
  for (let i = 0; i < 400 && !/listening on/.test(stdout) && !stderr; i++) await new Promise((r) => setTimeout(r, 25));
  const base = /listening on (\S+)/.exec(stdout)?.[1];
  if (!base) throw new Error(`serve did not start: ${stderr}`);
  const results = parse(readFileSync(path.join(allocation, 'results.csv')), { columns: true }) as Row[];
  const refundRows = parse(readFileSync(path.join(allocation, 'refunds.csv')), { columns: true }) as Row[];
  const refunds: (Row | null)[] = results.map(() => null);
  // R rows follow the results order; a MANUAL row (M refs, listed first) goes to the matching
  // result row that has no refund of its own.
  let at = 0;
  for (const f of refundRows.filter((r) => r.method !== 'MANUAL')) {
    while (!(results[at]!.participant_id === f.participant_id && results[at]!.instruction_ref === f.instruction_ref)) at += 1;
    refunds[at++] = f;
  }
  for (const f of refundRows.filter((r) => r.method === 'MANUAL')) {
    const i = results.findIndex((r, n) => refunds[n] === null && r.participant_id === f.participant_id && r.instruction_ref === f.instruction_ref);
    refunds[i] = f;
  }
  return { base, stop, running, results, refunds };
}

const thousands = (n: string) => n.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

let context: BrowserContext;
let sample: Book;
let clawback: Book;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [sample, clawback] = await Promise.all([
    startServe(path.join(ROOT, 'samples/expected/allocation')),
    startServe(path.join(ROOT, 'test/golden/clawback-oversubscribed/expected/allocation')),
  ]);
  context = await chromium.launchPersistentContext(tempDir('chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
});

afterAll(async () => {
  await context?.close();
  for (const book of [sample, clawback]) {
    book?.stop.abort();
    await book?.running;
  }
});

/** Types the number into the form as a person would, submits, waits for the answer. */
async function search(page: Page, idType: string, id: string): Promise<string> {
  await page.selectOption('#id_type', idType);
  await page.fill('#id', id);
  await page.click('button[type=submit]');
  await page.waitForFunction(() => {
    const o = document.getElementById('result')?.getAttribute('data-outcome');
    return o !== null && o !== undefined && o !== 'SEARCHING';
  });
  return (await page.getAttribute('#result', 'data-outcome'))!;
}

/** The cards shown, as the page shows them. */
async function cards(page: Page) {
  return page.$$eval('#result article.application', (els) => els.map((e) => ({
    status: e.getAttribute('data-status'),
    allotted: e.getAttribute('data-shares-allotted'),
    refund: e.getAttribute('data-refund-amount'),
    text: (e as HTMLElement).innerText,
  })));
}

/** Checks each card against the results.csv rows holding the document, in order. */
function expectMatchesFiles(book: Book, id: string, shown: Awaited<ReturnType<typeof cards>>) {
  const rows = book.results.map((r, i) => [r, i] as const).filter(([r]) => r.applicant_ids!.split(';').includes(id));
  expect(shown).toHaveLength(rows.length);
  rows.forEach(([r, i], n) => {
    const card = shown[n]!;
    const refund = book.refunds[i];
    expect([card.status, card.allotted, card.refund]).toEqual([r.status, r.shares_allotted, refund?.amount ?? '']);
    expect(card.text).toContain(`Shares applied for\n${thousands(r.shares_applied!)}`);
    expect(card.text).toContain(`Shares allotted\n${thousands(r.shares_allotted!)}`);
    if (refund) expect(card.text).toContain(`HK$${thousands(refund.amount!.split('.')[0]!)}.${refund.amount!.split('.')[1]}`);
  });
}

async function noSidewaysScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
}

describe('the results site in Chromium at a phone\'s width', () => {
  it('shows the offering, the basis table and the search form, usable without sideways scrolling', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`${m.text()} ${m.location().url}`); });
    await page.goto(sample.base);
    expect(await page.textContent('h1')).toBe('SenseTime Group Inc. (Class B Shares)');
    expect(await page.textContent('#final-price')).toMatch(/^HK\$3\.85 per Offer Share/);
    expect(await page.$$eval('#basis tbody tr', (rows) => rows.length)).toBe(38);
    const box = (await page.locator('#id').boundingBox())!;
    expect(box.width).toBeGreaterThan(PHONE.width * 0.7);
    expect((await page.locator('button[type=submit]').boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await noSidewaysScroll(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-page.png'), fullPage: false });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a successful applicant (allotted in part) sees shares and refund as the files say', async () => {
    const page = await context.newPage();
    await page.goto(sample.base);
    expect(await search(page, 'BR', '31234567')).toBe('FOUND');
    const shown = await cards(page);
    expectMatchesFiles(sample, 'BR:31234567', shown);
    expect(shown[0]!.text).toContain('Partially successful: 14,286,000 of the 20,000,000 shares applied for allotted.');
    expect(await page.textContent('#result h2')).toBe('Results for BR 31*****7');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
    await noSidewaysScroll(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-successful.png'), fullPage: true });
    await page.close();
  });

  it('an unsuccessful applicant (lost the ballot) sees no shares and the full refund', async () => {
    const page = await context.newPage();
    await page.goto(clawback.base);
    expect(await search(page, 'HKID', 's300798 (9)')).toBe('FOUND');
    const shown = await cards(page);
    expectMatchesFiles(clawback, 'HKID:S3007989', shown);
    expect(shown[0]!.text).toContain('Unsuccessful: no shares allotted in the ballot.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-unsuccessful.png'), fullPage: true });
    await page.close();
  });

  it('a rejected multiple applicant sees both applications, first and joint, each refunded', async () => {
    const page = await context.newPage();
    await page.goto(sample.base);
    expect(await search(page, 'HKID', 'A123456(3)')).toBe('FOUND');
    const shown = await cards(page);
    expectMatchesFiles(sample, 'HKID:A1234563', shown);
    expect(shown.map((c) => c.status)).toEqual(['REJECTED', 'REJECTED']);
    expect(shown[0]!.text).not.toContain('Joint application');
    expect(shown[1]!.text).toContain('Joint application of 2 applicants; this number is a joint applicant.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-rejected.png'), fullPage: true });
    await page.close();
  });

  it('a joint applicant finds the application by their own number', async () => {
    const page = await context.newPage();
    await page.goto(sample.base);
    expect(await search(page, 'PASSPORT', 'P7654321')).toBe('FOUND');
    const shown = await cards(page);
    expectMatchesFiles(sample, 'PASSPORT:P7654321', shown);
    expect(shown[0]!.text).toContain('Joint application of 3 applicants; this number is a joint applicant.');
    expect(shown[0]!.text).not.toMatch(/F678901A|G7890124|P7654321/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-joint.png'), fullPage: true });
    await page.close();
  });

  it('an unknown number, and a number with a wrong check digit, get the site\'s messages', async () => {
    const page = await context.newPage();
    await page.goto(sample.base);
    expect(await search(page, 'HKID', 'Z999999(0)')).toBe('NOT_FOUND');
    expect(await page.textContent('#result .message')).toMatch(/^No application under this identity document number is in the results of this offering\./);
    expect(await cards(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-unknown.png'), fullPage: false });
    expect(await search(page, 'HKID', 'A123456(7)')).toBe('HKID_CHECK_DIGIT');
    expect(await page.textContent('#result .message')).toMatch(/check digit/);
    await page.close();
  });

  it('at a desktop width too (the screenshot for the README)', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1000, height: 1100 });
    await page.goto(sample.base);
    expect(await search(page, 'HKID', 'F678901(A)')).toBe('FOUND');
    await noSidewaysScroll(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop-joint.png'), fullPage: false });
    await page.close();
  });
});
