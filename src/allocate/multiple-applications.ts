/**
 * Multiple applications. spec: instruction-file.md, last paragraph: every application of any
 * person who appears (as first or joint applicant, by the same identity document, compared
 * without spaces, brackets or case) in more than one otherwise valid instruction, across all
 * participants and channels, is rejected as a multiple application (MULTIPLE_APPLICATION).
 */

/** One otherwise valid instruction: its key and its applicants' documents (`TYPE:NUMBER`). */
export interface IdentityItem {
  key: string;
  applicant_ids: string[];
}

/** Text normaliseIdentity leaves as it is: ASCII capitals, digits and the colon. */
const ALREADY_NORMAL = /^[A-Z0-9:]*$/;

/**
 * The comparison form of an identity document: upper case, without white space or brackets of
 * any kind, so `hkid:a123456(3)`, `HKID:A123456 (3)` and `HKID:A1234563` are one person.
 * The document type stays part of it: a passport number equal to an HKID number is another
 * document.
 */
export function normaliseIdentity(id: string): string {
  // Nearly always already so: the ingest stores a document as TYPE:NUMBER, upper case, without
  // brackets (one test instead of a new upper-case string and a replace, a million times a run).
  return ALREADY_NORMAL.test(id) ? id : id.toUpperCase().replace(/[\s()[\]{}<>]/g, '');
}

/**
 * Keys of every instruction in which some applicant's document appears in more than one of the
 * given instructions. The test is made once over the given set (not repeated after removing the
 * first findings): a joint applicant who appears elsewhere takes down every instruction they are
 * in, including one whose first applicant is innocent, as the spec requires ("every application
 * of any person"). A document repeated inside one instruction does not by itself make a multiple.
 * Keys given twice count as one instruction.
 */
export function findMultipleApplications(items: readonly IdentityItem[]): Set<string> {
  const keysById = new Map<string, Set<string>>();
  for (const item of items) {
    for (const raw of item.applicant_ids) {
      const id = normaliseIdentity(raw);
      if (id === '') continue;
      let keys = keysById.get(id);
      if (keys === undefined) keysById.set(id, (keys = new Set()));
      keys.add(item.key);
    }
  }
  const multiple = new Set<string>();
  for (const keys of keysById.values()) {
    if (keys.size > 1) for (const key of keys) multiple.add(key);
  }
  return multiple;
}
