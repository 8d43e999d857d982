import fc from 'fast-check';
import {
  parseRequestHeaders,
  type RequestedHeaders,
} from './request-headers.js';

/** `count` distinct valid names: `x-h0,x-h1,…`. */
const names = (count: number) =>
  Array.from({ length: count }, (_, i) => `x-h${i}`);

/** `a`, then `count` empty elements, then `b`. */
const withEmpties = (count: number) =>
  ['a', ...Array<string>(count).fill(''), 'b'].join(',');

describe('parseRequestHeaders', () => {
  it('returns a canonical value as it is', () => {
    const value = 'content-type,x-api-key';
    expect(parseRequestHeaders(value)).toEqual({
      names: ['content-type', 'x-api-key'],
      value,
    });
    expect(parseRequestHeaders(value)?.value).toBe(value);
  });

  it('lower-cases names and drops optional whitespace', () => {
    expect(parseRequestHeaders(' Content-Type ,\tX-Foo ')).toEqual({
      names: ['content-type', 'x-foo'],
      value: 'content-type,x-foo',
    });
  });

  it('keeps the request order and duplicates', () => {
    expect(parseRequestHeaders('x-b,X-A,x-b')).toEqual({
      names: ['x-b', 'x-a', 'x-b'],
      value: 'x-b,x-a,x-b',
    });
  });

  it('accepts every token character in a name', () => {
    const name = "!#$%&'*+-.^_`|~09az";
    expect(parseRequestHeaders(name)).toEqual({ names: [name], value: name });
  });

  it('reads an empty or blank value as no names', () => {
    expect(parseRequestHeaders('')).toEqual({ names: [], value: '' });
    expect(parseRequestHeaders(' \t ')).toEqual({ names: [], value: '' });
  });

  // The bounds the README documents: 4 KB, 64 names, 16 empty elements.
  describe('empty elements', () => {
    it('tolerates them, up to 16', () => {
      expect(parseRequestHeaders('a,,b')).toEqual({
        names: ['a', 'b'],
        value: 'a,b',
      });
      expect(parseRequestHeaders(',a, ,b,')).toEqual({
        names: ['a', 'b'],
        value: 'a,b',
      });
      expect(parseRequestHeaders(withEmpties(16))).toEqual({
        names: ['a', 'b'],
        value: 'a,b',
      });
    });

    it('refuses 17', () => {
      expect(parseRequestHeaders(withEmpties(17))).toBeUndefined();
    });
  });

  describe('number of names', () => {
    it('accepts 64', () => {
      const list = names(64);
      expect(parseRequestHeaders(list.join(','))).toEqual({
        names: list,
        value: list.join(','),
      });
    });

    it('refuses 65', () => {
      expect(parseRequestHeaders(names(65).join(','))).toBeUndefined();
    });
  });

  describe('length', () => {
    it('reads a value of 4,096 characters', () => {
      const value = `${' '.repeat(4_091)}X-Foo`;
      expect(value).toHaveLength(4_096);
      expect(parseRequestHeaders(value)).toEqual({
        names: ['x-foo'],
        value: 'x-foo',
      });
    });

    it('refuses 4,097', () => {
      expect(parseRequestHeaders(`${' '.repeat(4_092)}X-Foo`)).toBeUndefined();
    });
  });

  it.each([
    ['a space inside a name', 'x foo'],
    ['@', 'x-foo@bar'],
    ['CRLF', 'x-foo\r\nx-bar'],
    ['a lone CR', 'x-foo\r'],
    ['a lone LF', 'x-foo\n'],
    ['NUL', 'x-foo\0'],
    ['a non-ASCII letter', 'x-föo'],
    ['a non-ASCII space', 'x-foo\u00a0'],
    ['a colon', 'x-foo:1'],
    ['a semicolon separator', 'x-foo;x-bar'],
    ['a quoted name', '"x-foo"'],
  ])('refuses %s', (_label, value) => {
    expect(parseRequestHeaders(value)).toBeUndefined();
  });

  describe('large inputs', () => {
    it('refuses 15,000 commas', () => {
      expect(parseRequestHeaders(','.repeat(15_000))).toBeUndefined();
    });

    it('refuses 15,000 spaces, over the length bound', () => {
      expect(parseRequestHeaders(' '.repeat(15_000))).toBeUndefined();
    });

    it('reads 4,096 spaces as no names', () => {
      expect(parseRequestHeaders(' '.repeat(4_096))).toEqual({
        names: [],
        value: '',
      });
    });

    it('refuses 1,500 names', () => {
      expect(parseRequestHeaders(names(1_500).join(','))).toBeUndefined();
      expect(parseRequestHeaders(names(1_500).join(', '))).toBeUndefined();
    });

    it('parses one name padded with spaces up to the length bound', () => {
      const padding = ' '.repeat(2_000);
      expect(parseRequestHeaders(`${padding}X-Foo${padding}`)).toEqual({
        names: ['x-foo'],
        value: 'x-foo',
      });
    });
  });

  it('returns the names of a well-formed list, lower-cased, in order', () => {
    const name = fc.string({
      unit: fc.constantFrom(..."!#$%&'*+-.^_`|~09azAZ".split('')),
      minLength: 1,
      maxLength: 12,
    });
    const ows = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 2 });
    const element = fc.record({
      before: ows,
      name: fc.option(name, { nil: '', freq: 4 }),
      after: ows,
    });
    fc.assert(
      fc.property(
        // At most 16 elements: within both bounds, however many are empty.
        fc.array(element, { minLength: 1, maxLength: 16 }),
        (elements) => {
          const value = elements
            .map(({ before, name, after }) => before + name + after)
            .join(',');
          const expected = elements
            .map(({ name }) => name.toLowerCase())
            .filter((lower) => lower !== '');
          expect(parseRequestHeaders(value)).toEqual({
            names: expected,
            value: expected.join(','),
          });
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('agrees with a plain split-and-check reading on any input', () => {
    const headerish = fc.string({
      unit: fc.oneof(
        fc.constantFrom(...'aZ-_, \t\r\n@;:"\u00e9\0'.split('')),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      ),
      maxLength: 60,
    });
    const manyElements = fc
      .array(fc.constantFrom('x-a', 'X-B', '', ' ', '\tc'), { maxLength: 90 })
      .map((elements) => elements.join(','));
    fc.assert(
      fc.property(fc.oneof(fc.string(), headerish, manyElements), (value) => {
        expect(parseRequestHeaders(value)).toEqual(splitAndCheck(value));
      }),
      { numRuns: 1_000 },
    );
  });
});

/**
 * The parser's contract, read the slow, obvious way: split on commas, trim spaces and tabs,
 * refuse anything but tokens and the bounds, lower-case what is left.
 */
function splitAndCheck(value: string): RequestedHeaders | undefined {
  if (value.length > 4_096) return undefined;
  const elements = value
    .split(',')
    .map((each) => each.replace(/^[ \t]+|[ \t]+$/g, ''));
  const found = elements.filter((each) => each !== '');
  if (elements.length - found.length > 16 || found.length > 64)
    return undefined;
  if (!found.every((each) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(each)))
    return undefined;
  const lower = found.map((each) => each.toLowerCase());
  return { names: lower, value: lower.join(',') };
}
