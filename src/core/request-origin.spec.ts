import { MAX_ORIGIN_LENGTH, parseRequestOrigin } from './request-origin.js';

describe('parseRequestOrigin', () => {
  it.each([
    ['https://a.example.com', 'https', 'a.example.com', ''],
    ['http://localhost:5173', 'http', 'localhost', '5173'],
    ['http://127.0.0.1:8080', 'http', '127.0.0.1', '8080'],
    ['http://[::1]:3000', 'http', '[::1]', '3000'],
    ['chrome-extension://abc', 'chrome-extension', 'abc', ''],
    ['http://a.com:443', 'http', 'a.com', '443'],
    ['https://a.com:80', 'https', 'a.com', '80'],
    ['https://a.com:65535', 'https', 'a.com', '65535'],
  ])('accepts %s', (origin, scheme, host, port) => {
    expect(parseRequestOrigin(origin)).toEqual({ scheme, host, port });
  });

  it('accepts an origin of exactly MAX_ORIGIN_LENGTH characters', () => {
    const prefix = 'https://';
    const origin = prefix + 'a'.repeat(MAX_ORIGIN_LENGTH - prefix.length);
    expect(origin).toHaveLength(2048);
    expect(parseRequestOrigin(origin)).toEqual({
      scheme: 'https',
      host: 'a'.repeat(2040),
      port: '',
    });
  });

  it.each([
    ['uppercase scheme', 'HTTPS://a.com'],
    ['uppercase host', 'https://A.com'],
    ['uppercase later in the host', 'https://a.Example.com'],
    ['trailing slash', 'https://a.com/'],
    ['path', 'https://a.com/path'],
    ['query', 'https://a.com?q=1'],
    ['fragment', 'https://a.com#x'],
    ['userinfo', 'https://user@a.com'],
    ['userinfo with password', 'https://user:pass@a.com'],
    ['default port 80 on http', 'http://a.com:80'],
    ['default port 443 on https', 'https://a.com:443'],
    ['port 0', 'http://a.com:0'],
    ['port with leading zeros', 'http://a.com:0080'],
    ['port above 65535', 'http://a.com:65536'],
    ['port with six digits', 'http://a.com:100000'],
    ['empty port', 'http://a.com:'],
    ['non-numeric port', 'http://a.com:8o'],
    ['no scheme', 'a.example.com'],
    ['no scheme, with slashes', '//a.example.com'],
    ['scheme without slashes', 'https:a.com'],
    ['empty host', 'https://'],
    ['empty host with port', 'https://:8080'],
    ['carriage return', 'https://a.com\r'],
    ['line feed', 'https://a.com\n'],
    ['CRLF then a header', 'https://a.com\r\nx-evil: 1'],
    ['NUL byte', 'https://a\0.com'],
    ['tab', 'https://a.com\t'],
    ['leading space', ' https://a.com'],
    ['trailing space', 'https://a.com '],
    ['space inside', 'https://a .com'],
    ['several comma-joined values', 'https://a.com, https://b.com'],
    ['comma-joined without space', 'https://a.com,https://b.com'],
    ['empty labels', 'https://..a.com'],
    ['leading dot', 'https://.a.com'],
    ['empty label inside', 'https://a..com'],
    ['unterminated IPv6', 'http://[::1'],
    ['empty IPv6', 'http://[]'],
    ['junk after IPv6', 'http://[::1]x'],
    ['non-ASCII host', 'https://bücher.de'],
    ['empty string', ''],
    ['null', 'null'],
  ])('rejects %s', (_label, origin) => {
    expect(parseRequestOrigin(origin)).toBeUndefined();
  });

  it('rejects an origin longer than MAX_ORIGIN_LENGTH', () => {
    const prefix = 'https://';
    const origin = prefix + 'a'.repeat(MAX_ORIGIN_LENGTH - prefix.length + 1);
    expect(origin).toHaveLength(2049);
    expect(parseRequestOrigin(origin)).toBeUndefined();
  });
});
