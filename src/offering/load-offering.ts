/**
 * Parses an offering from JSON text, with errors a registrar can act on (field path and what is
 * wrong). Pure: the caller reads the file.
 */
import { ConfigInvalidError } from '../domain/errors';
import { describeConfigIssues } from './config-issues';
import { Offering, offeringSchema } from './schema';

export function parseOffering(text: string, source = 'offering'): Offering {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigInvalidError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  const result = offeringSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigInvalidError(`${source}: ${describeConfigIssues(result.error.issues)}`);
  }
  return result.data;
}
