import fc from 'fast-check';
import {
  MAX_EMPTY_ELEMENTS,
  MAX_REQUESTED_HEADERS,
  MAX_REQUEST_HEADERS_LENGTH,
  parseRequestHeaders,
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

  describe('empty elements', () => {
    it(`tolerates up to ${MAX_EMPTY_ELEMENTS}`, () => {
      expect(MAX_EMPTY_ELEMENTS).toBe(16);
      expect(parseRequestHeaders('a,,b')).toEqual({
        names: ['a', 'b'],
        value: 'a,b',
      });
      expect(parseRequestHeaders(',a, ,b,')).toEqual({
        names: ['a', 'b'],
        value: 'a,b',
      });
      expect(parseRequestHeaders(withEmpties(MAX_EMPTY_ELEMENTS))).toEqual({
        names: ['a', 'b'],
        value: 'a,b',
      });
    });

    it('refuses more', () => {
      expect(
        parseRequestHeaders(withEmpties(MAX_EMPTY_ELEMENTS + 1)),
      ).toBeUndefined();
    });
  });

  describe('number of names', () => {
    it(`accepts ${MAX_REQUESTED_HEADERS}`, () => {
      expect(MAX_REQUESTED_HEADERS).toBe(64);
      const list = names(MAX_REQUESTED_HEADERS);
      expect(parseRequestHeaders(list.join(','))).toEqual({
        names: list,
        value: list.join(','),
      });
    });

    it('refuses more', () => {
      expect(
        parseRequestHeaders(names(MAX_REQUESTED_HEADERS + 1).join(',')),
      ).toBeUndefined();
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

    it('reads spaces up to the length bound as no names', () => {
      expect(
        parseRequestHeaders(' '.repeat(MAX_REQUEST_HEADERS_LENGTH)),
      ).toEqual({
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

  it('returns undefined, or lower-case names whose value holds only token characters and commas', () => {
    const headerish = fc.string({
      unit: fc.oneof(
        fc.constantFrom(...'aZ-_, \t\r\n@;:"\u00e9\0'.split('')),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      ),
      maxLength: 60,
    });
    fc.assert(
      fc.property(fc.oneof(fc.string(), headerish), (value) => {
        const result = parseRequestHeaders(value);
        if (result === undefined) return;
        expect(result.value).toMatch(/^[!#$%&'*+\-.^_`|~0-9a-z,]*$/);
        expect(result.value).toBe(result.names.join(','));
        for (const name of result.names) {
          expect(name).toMatch(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
