import { expect } from '@jest/globals';

const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Matches a one-line message that mentions each of `parts`, in this order: for messages whose
 * facts are the behaviour (the route, the policy, the value at fault, the fix) and whose
 * wording may change.
 */
export function mentioning(...parts: string[]) {
  return expect.stringMatching(new RegExp(parts.map(escapeRegExp).join('.*')));
}
