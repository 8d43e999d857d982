import { describe, expect, it } from '@jest/globals';
import { parsePathPattern } from './path-pattern.js';

const matches = (pattern: string, path: string) =>
  parsePathPattern(pattern).pattern!.matches(path);

describe('path patterns', () => {
  it('matches an exact path byte for byte', () => {
    expect(matches('/graphql', '/graphql')).toBe(true);
    for (const path of ['/graphql/', '/GraphQL', '/graphqlx', '/%67raphql'])
      expect([path, matches('/graphql', path)]).toEqual([path, false]);
  });

  it('matches every path under a prefix that ends with *', () => {
    for (const path of ['/docs', '/docs/', '/docs-json', '/docs/a/b'])
      expect([path, matches('/docs*', path)]).toEqual([path, true]);
    for (const path of ['/doc', '/Docs', '/api/docs'])
      expect([path, matches('/docs*', path)]).toEqual([path, false]);
  });

  it.each([
    ['graphql', "starts with '/'"],
    ['/a*b', "'*' may only end a pattern"],
    ['/a?x=1', 'write the path alone'],
    [42, "starts with '/'"],
  ])('refuses %p, saying how to write it', (text, fix) => {
    expect(parsePathPattern(text).error).toContain(fix);
  });
});
