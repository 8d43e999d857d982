import { describe, expect, it } from '@jest/globals';
import { parseOriginEntry } from './origin-pattern.js';
import { probeRegExp } from './regexp-probe.js';

/** Probes an entry as a policy compiles it: anchored as a whole, `g` and `y` dropped. */
function probe(entry: RegExp) {
  const { pattern } = parseOriginEntry(entry);
  if (pattern?.kind !== 'regexp') throw new Error(`${String(entry)} refused`);
  return probeRegExp(pattern.regexp);
}

describe('issue 22 case 4: probeRegExp', () => {
  it('writes down the origins a RegExp was written for, from its own text', () => {
    expect(probe(/^https:\/\/[a-z0-9-]+\.example\.com$/).intended).toEqual([
      'https://a.example.com',
    ]);
    expect(probe(/^https:\/\/(staging|qa)\.example\.com$/).intended).toEqual([
      'https://staging.example.com',
      'https://qa.example.com',
    ]);
    expect(probe(/^https?:\/\/pr-\d+\.example\.com(:\d+)?$/).intended).toEqual([
      'http://pr-1.example.com',
      'http://pr-1.example.com:1',
      'https://pr-1.example.com',
      'https://pr-1.example.com:1',
    ]);
  });

  it('finds nothing beside a RegExp that matches only its own hosts', () => {
    const found = probe(/^https:\/\/[a-z0-9-]+\.example\.com$/);
    expect(found.anyHost).toBeUndefined();
    expect(found.unescapedDot).toBeUndefined();
    expect(found.matched).toEqual(['https://a.example.com']);
  });

  it('tries the plain-http form of what a RegExp was written for', () => {
    expect(probe(/^https?:\/\/a\.example\.com$/).matched).toEqual([
      'http://a.example.com',
      'https://a.example.com',
    ]);
  });

  it.each([
    [/^https:\/\/.*$/, 'https://zqxjvkwpyb.zz'],
    [/^https:\/\/[a-z]+\.[a-z]{3,}$/, 'https://zqxjvkwpyb.qxzvj'],
    [/^https:\/\/[a-z]+\.co\.uk$/, 'https://zqxjvkwpyb.co.uk'],
    [/^https:\/\/[a-z]+example\.com$/, 'https://zqxjvkwpybaexample.com'],
    [/^https:\/\/.*\.example\.com:8443$/, undefined],
    [/^https:\/\/.*:8443$/, 'https://zqxjvkwpyb.zz:8443'],
  ])('finds that %s lets in any host: %s', (regexp, anyHost) => {
    expect(probe(regexp).anyHost).toBe(anyHost);
  });

  it('names a registrable look-alike first, where an unescaped dot lets one in', () => {
    expect(probe(/^https:\/\/app.example.com$/).unescapedDot).toBe(
      'https://appxexample.com',
    );
    expect(probe(/^https:\/\/[a-z]+\.example.com$/).unescapedDot).toBe(
      'https://a.examplexcom',
    );
    expect(
      probe(/^https:\/\/app[.]example\.com$/).unescapedDot,
    ).toBeUndefined();
  });

  it('gives up quietly on syntax it does not read, and still tries the fixed probes', () => {
    for (const regexp of [
      /^https:\/\/(a)\1\.example\.com$/,
      /^https:\/\/(?=a)[a-z]+\.example\.com$/,
      /^https:\/\/\p{L}+\.example\.com$/u,
      /^https:\/\/(?<name>[a-z]+)\.\k<name>\.com$/,
    ]) {
      expect(() => probe(regexp)).not.toThrow();
    }
    expect(probe(/^https:\/\/(?=.)(.*)$/).anyHost).toBe(
      'https://zqxjvkwpyb.zz',
    );
  });

  it('stays cheap on RegExps with many alternatives and large repeats', () => {
    const wide = new RegExp(
      `^https:\\/\\/${'(a|b|c|d|e|f|g|h)'.repeat(12)}\\.example\\.com(:\\d{1,5})?$`,
    );
    const started = performance.now();
    const found = probe(wide);
    probe(/^https:\/\/a{1000}\.example\.com$/);
    expect(performance.now() - started).toBeLessThan(200);
    expect(found.intended.length).toBeLessThanOrEqual(16);
    expect(found.anyHost).toBeUndefined();
  });

  it('probes each RegExp once: the same answer, the same object', () => {
    const { pattern } = parseOriginEntry(/^https:\/\/.*$/);
    if (pattern?.kind !== 'regexp') throw new Error('refused');
    expect(probeRegExp(pattern.regexp)).toBe(probeRegExp(pattern.regexp));
    expect(probe(/^https:\/\/.*$/)).toEqual(probeRegExp(pattern.regexp));
  });
});
