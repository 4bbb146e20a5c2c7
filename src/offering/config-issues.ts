/**
 * One line a registrar can act on from zod's issues for a configuration file (offering, ballot
 * policy): each issue as `field.path: what is wrong`, joined by `; `. A key the file's format does
 * not have is named in full (`timetable.bad_wether: unknown field`), so a misspelling is an error
 * instead of a silent fall-back to a default.
 */
import type { z } from 'zod';

export function describeConfigIssues(issues: readonly z.core.$ZodIssue[]): string {
  const lines: string[] = [];
  for (const issue of issues) {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${at === '' ? key : `${at}.${key}`}: unknown field (misspelt? the format has no such field)`);
      continue;
    }
    const message = /received undefined$/.test(issue.message) ? 'is missing' : issue.message;
    lines.push(`${at === '' ? '(top level)' : at}: ${message}`);
  }
  return lines.join('; ');
}
