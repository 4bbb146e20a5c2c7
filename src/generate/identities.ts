/**
 * Identity documents of synthetic applicants, unique by construction.
 *
 * Every person has a serial number: the first applicant of instruction i is person 4i, its joint
 * applicants 4i+1 .. 4i+3. A document number is an affine permutation of the serial,
 * x = (A * serial + b) mod space, with A prime to the space (so distinct serials give distinct
 * numbers, and the numbers do not look sequential) and b taken from the seed. The same person
 * therefore never appears twice unless the generator plants a multiple application on purpose.
 *
 *   HKID     serial < 26,000,000: one letter + 6 digits; above: two letters + 6 digits (676,000,000
 *            more), with the check digit of validate/hkid.ts; brackets around it or not.
 *   PASSPORT one letter + 9 digits (mod 10^9 of the serial).
 *   BR       8 digits; CI 7 or 8 digits (mod 10^8 of the instruction index: companies are only
 *            first applicants).
 *
 * Serials stay exact: A < 2^23 and serial < 2^30 keep A * serial below 2^53.
 */
import { hkidCheckDigit } from '../validate/hkid';

const A = 7654321; // prime to 2, 5 and 13, hence to every space below
const ONE_LETTER_SPACE = 26_000_000;
const TWO_LETTER_SPACE = 676_000_000;
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const CHECK_CHARACTERS = '0123456789A';
const PASSPORT_PREFIXES = 'EGHKPR';

/**
 * The most instructions a book may have while every document stays unique: BR and CI numbers
 * permute the instruction index mod 10^8 (the HKID spaces would allow 175,500,000).
 */
export const MAX_INSTRUCTIONS = 100_000_000;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export interface HkidParts {
  letters: string;
  digits: string;
  check: string;
}

export class IdentitySpace {
  private readonly b1: number;
  private readonly b2: number;
  private readonly b3: number;
  private readonly b4: number;

  constructor(key: Uint32Array) {
    this.b1 = key[6]! % ONE_LETTER_SPACE;
    this.b2 = key[7]! % TWO_LETTER_SPACE;
    this.b3 = (key[6]! ^ key[7]!) >>> 0;
    this.b4 = (key[5]! ^ key[6]!) >>> 0;
  }

  hkidParts(serial: number): HkidParts {
    let letters: string;
    let digits: number;
    if (serial < ONE_LETTER_SPACE) {
      const x = (A * serial + this.b1) % ONE_LETTER_SPACE;
      letters = LETTERS[Math.floor(x / 1_000_000)]!;
      digits = x % 1_000_000;
    } else {
      const x = (A * (serial - ONE_LETTER_SPACE) + this.b2) % TWO_LETTER_SPACE;
      const pair = Math.floor(x / 1_000_000);
      letters = LETTERS[Math.floor(pair / 26)]! + LETTERS[pair % 26]!;
      digits = x % 1_000_000;
    }
    const d = pad(digits, 6);
    return { letters, digits: d, check: hkidCheckDigit(letters, d) };
  }

  /** The HKID as written on a record: `A123456(3)` or `A1234563`. */
  hkid(serial: number, brackets: boolean): string {
    const p = this.hkidParts(serial);
    return brackets ? `${p.letters}${p.digits}(${p.check})` : `${p.letters}${p.digits}${p.check}`;
  }

  /** The HKID with a wrong check digit (`shift` 1..10 places along 0-9, A). */
  hkidWrongCheck(serial: number, shift: number): string {
    const p = this.hkidParts(serial);
    const wrong = CHECK_CHARACTERS[(CHECK_CHARACTERS.indexOf(p.check) + shift) % CHECK_CHARACTERS.length]!;
    return `${p.letters}${p.digits}(${wrong})`;
  }

  passport(serial: number): string {
    const x = (A * serial + (this.b3 % 1_000_000_000)) % 1_000_000_000;
    return PASSPORT_PREFIXES[x % PASSPORT_PREFIXES.length]! + pad(x, 9);
  }

  /** Business registration number of the company that is instruction `index`'s applicant. */
  br(index: number): string {
    return pad((A * index + (this.b4 % 100_000_000)) % 100_000_000, 8);
  }

  /** Certificate of incorporation number (7 digits below 10^7, else 8). */
  ci(index: number): string {
    return pad((A * index + (this.b3 % 100_000_000)) % 100_000_000, 7);
  }
}
