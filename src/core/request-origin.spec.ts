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
    ['ftp://a.com:8021', 'ftp', 'a.com', '8021'],
    ['ws://a.com:443', 'ws', 'a.com', '443'],
    ['http://example.com.', 'http', 'example.com.', ''],
    ['http://localhost.:3000', 'http', 'localhost.', '3000'],
    ['http://0.0.0.0', 'http', '0.0.0.0', ''],
    ['http://255.255.255.255', 'http', '255.255.255.255', ''],
    ['http://1.example.com', 'http', '1.example.com', ''],
    ['http://foo.1a', 'http', 'foo.1a', ''],
    ['http://foo.0x1g', 'http', 'foo.0x1g', ''],
    ['https://xn--bcher-kva.de', 'https', 'xn--bcher-kva.de', ''],
    ['https://a.xn--ls8h.la', 'https', 'a.xn--ls8h.la', ''],
    ['http://[::]', 'http', '[::]', ''],
    ['http://[1::]', 'http', '[1::]', ''],
    [
      'http://[2001:db8::8a2e:370:7334]',
      'http',
      '[2001:db8::8a2e:370:7334]',
      '',
    ],
    ['http://[1:0:0:2::3]', 'http', '[1:0:0:2::3]', ''],
    ['http://[1::2:0:0:3:4]', 'http', '[1::2:0:0:3:4]', ''],
    ['http://[1:0:2:0:3:0:4:0]', 'http', '[1:0:2:0:3:0:4:0]', ''],
    ['http://[::ffff:7f7f:7f7f]', 'http', '[::ffff:7f7f:7f7f]', ''],
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
    ['file: scheme, whose origin is null', 'file://example.com'],
    ['default port 21 on ftp', 'ftp://a.com:21'],
    ['default port 80 on ws', 'ws://a.com:80'],
    ['default port 443 on wss', 'wss://a.com:443'],
    ['IPv4 with one part', 'http://1:6060'],
    ['IPv4 with two parts', 'http://127.1:3999'],
    ['IPv4 with five parts', 'http://127.0.0.1.1'],
    ['IPv4 with a trailing dot', 'http://127.0.0.1.'],
    ['IPv4 part above 255', 'http://256.0.0.1'],
    ['IPv4 part with a leading zero', 'http://127.0.0.01'],
    ['IPv4 in hexadecimal', 'http://0x7f.0.0.1'],
    ['a last label that is a hexadecimal number', 'http://a.0x1f'],
    ['a last label that is 0x', 'http://a.0x'],
    ['a domain ending in a number', 'http://foo.bar.255:6060'],
    ['a domain ending in a number and a dot', 'http://foo.123.'],
    [
      'IPv6 uncompressed',
      'http://[2001:4860:4860:0000:0000:0000:0000:8888]:90',
    ],
    ['IPv6 with leading zeros', 'http://[::01]'],
    ['IPv6 in upper case', 'http://[::A]'],
    ['IPv6 all zeros, written out', 'http://[0:0:0:0:0:0:0:0]'],
    ['IPv6 with :: for one zero piece', 'http://[1::2:3:4:5:6:7]'],
    ['IPv6 compressing a shorter run than another', 'http://[1::2:0:0:0:3]'],
    ['IPv6 compressing the second of two equal runs', 'http://[1:0:0:2::3:4]'],
    ['IPv6 with a zero piece next to ::', 'http://[0::1]'],
    ['IPv6 with a zero piece after ::', 'http://[1::0]'],
    ['IPv6 with two ::', 'http://[1::2::3]'],
    ['IPv6 with a trailing colon', 'http://[::1:]'],
    ['IPv6 with a leading colon', 'http://[:1::2]'],
    ['IPv6 with too many colons', 'http://[::::::::::::::::1]:90'],
    ['IPv6 with nine pieces', 'http://[1:2:3:4:5:6:7:8:9]'],
    ['IPv6 with seven pieces and no ::', 'http://[1:2:3:4:5:6:7]'],
    ['IPv6 with a five-digit piece', 'http://[::12345]'],
    ['IPv6 with a dotted IPv4 tail', 'http://[::ffff:1.2.3.4]'],
    ['IPv6 with a zone', 'http://[fe80::1%25eth0]'],
    ['invalid Punycode', 'http://xn--f'],
    ['invalid Punycode in a later label', 'https://a.xn--a.com'],
    [
      'a character the URL Standard allows but no host name has',
      'http://a$b.com',
    ],
    ['two trailing dots', 'http://example.com..'],
    ['a dot alone', 'http://.'],
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
