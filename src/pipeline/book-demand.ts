/**
 * The demand of a book as `status`, `preview` and the provisional run show it: instructions
 * accepted and rejected, valid applications (accepted, not multiple applications), multiple
 * applications, and the valid applications per number of shares applied. From the stored
 * instructions (the reference, small books and tests) or from the compact book of pass 1
 * (allocation-files.ts readCompactBook: about 100 bytes an instruction, so a book of millions
 * can be looked at on a small machine); the two agree (test/allocation-streamed.test.ts).
 */
import { countQuantities } from '../allocate/allocation-plan';
import { compactQuantities } from '../allocate/compact-allocation';
import type { CompactBook } from '../allocate/compact-book';
import type { StoredInstruction } from '../domain/types';
import { selectApplications } from './allocate';

export interface BookDemand {
  instructions: { accepted: number; rejected: number };
  /** Valid applications: accepted instructions that are not multiple applications. */
  valid: number;
  /** Accepted instructions rejected as multiple applications. */
  multiple: number;
  /** Shares applied -> valid applications for that number of shares. */
  quantities: Map<number, number>;
}

export function demandOfInstructions(instructions: readonly StoredInstruction[]): BookDemand {
  const { applications, multiples } = selectApplications(instructions);
  const quantities = countQuantities(applications);
  const accepted = instructions.reduce((n, i) => n + (i.status === 'ACCEPTED' ? 1 : 0), 0);
  return { instructions: { accepted, rejected: instructions.length - accepted }, valid: applications.length, multiple: multiples.size, quantities };
}

export function demandOfCompactBook(book: CompactBook): BookDemand {
  let rejected = 0;
  let multiple = 0;
  for (let i = 0; i < book.count; i++) {
    rejected += book.rejected[i]!;
    multiple += book.multiple[i]!;
  }
  return { instructions: { accepted: book.count - rejected, rejected }, valid: book.keyOrder.length, multiple, quantities: compactQuantities(book) };
}

/** Shares applied for by the valid applications. */
export function demandShares(d: BookDemand): number {
  let total = 0;
  for (const [shares, count] of d.quantities) total += shares * count;
  return total;
}

/** Either form of the book, as the pure functions of status, preview and provisional take it. */
export type BookInput = readonly StoredInstruction[] | BookDemand;

export function demandOf(book: BookInput): BookDemand {
  return Array.isArray(book) ? demandOfInstructions(book as readonly StoredInstruction[]) : (book as BookDemand);
}
