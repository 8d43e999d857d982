import { parseDomain } from './public-suffix.js';
import { parseRequestOrigin } from './request-origin.js';

/**
 * What a RegExp allowlist entry lets in beyond what it was written for, found by trying it
 * on origins no allowlist means to allow. Deterministic and cheap: a few dozen fixed or
 * derived strings, tested once per entry when a policy is compiled.
 */
export interface RegExpProbe {
  /**
   * Origins the RegExp lets in that were built from its own text, with every `.` a dot: what
   * it was written for, e.g. `https://a.example.com` for `/^https:\/\/[a-z]+\.example\.com$/`.
   */
  intended: readonly string[];
  /**
   * An origin on a host nobody lists that the RegExp lets in: a host of random letters under
   * a made-up top-level domain or directly under a public suffix, its own host under a made-up
   * top-level domain, or with letters glued in front of its domain or labels after it.
   */
  anyHost: string | undefined;
  /**
   * An origin the RegExp lets in only because a `.` in it is not escaped, so that it matches
   * any character: `https://appxexample.com` for `/^https:\/\/app.example.com$/`.
   */
  unescapedDot: string | undefined;
  /** Every origin tried that the RegExp lets in, `intended` first, plain-`http` forms included. */
  matched: readonly string[];
}

/** Letters no one registers, and top-level domains no registry delegates (`zz` is user-assigned in ISO 3166). */
const RANDOM_LABEL = 'zqxjvkwpyb';
const MADE_UP_TLDS = ['zz', 'qxzvj'];
/** Bounds that keep the probe cheap whatever the RegExp: examples per part, dots replaced, repetitions. */
const MAX_EXAMPLES = 16;
const MAX_DOTS = 8;
const MAX_REPEAT = 64;
/** How many of the origins it was written for the hosts beside them are derived from. */
const MAX_DERIVED = 4;
/** The schemes without TLS that a secure scheme's origin is also tried with. */
const PLAIN_FORM: Readonly<Record<string, string>> = {
  https: 'http',
  wss: 'ws',
};

const probes = new WeakMap<RegExp, RegExpProbe>();

/** Probes `regexp`, a compiled allowlist entry, once; later calls return the same result. */
export function probeRegExp(regexp: RegExp): RegExpProbe {
  let probe = probes.get(regexp);
  if (!probe) {
    probe = runProbe(regexp);
    probes.set(regexp, probe);
  }
  return probe;
}

function runProbe(regexp: RegExp): RegExpProbe {
  const lets = (origin: string) =>
    parseRequestOrigin(origin) !== undefined && regexp.test(origin);
  const pattern = parsePattern(regexp);
  const intended = unique(
    pattern ? expandSequence(pattern.body, -1).filter(lets) : [],
  );
  // The schemes and ports it was written for, https first, so that what is named is the
  // origin that gets in with TLS where there is one.
  const shapes = unique([
    'https|',
    ...intended.map((origin) => {
      const { scheme, port } = parseRequestOrigin(origin)!;
      return `${scheme}|${port}`;
    }),
    'http|',
  ]).map((shape) => shape.split('|') as [string, string]);

  const foreignHosts = unique([
    ...MADE_UP_TLDS.map((tld) => `${RANDOM_LABEL}.${tld}`),
    `${RANDOM_LABEL}.com`,
    ...intended
      .slice(0, MAX_DERIVED)
      .flatMap((origin) => hostsBeside(parseRequestOrigin(origin)!.host)),
  ]);
  const foreign = foreignHosts.flatMap((host) =>
    shapes.map(([scheme, port]) => `${scheme}://${host}${port && `:${port}`}`),
  );
  const anyHost = foreign.find(lets);

  const plain = intended.flatMap((origin) => {
    const { scheme, host, port } = parseRequestOrigin(origin)!;
    const other = PLAIN_FORM[scheme];
    return other ? [`${other}://${host}${port && `:${port}`}`] : [];
  });

  let unescapedDot: string | undefined;
  if (pattern) {
    const letIn: string[] = [];
    for (let dot = 0; dot < Math.min(pattern.dots, MAX_DOTS); dot++) {
      letIn.push(
        ...expandSequence(pattern.body, dot).filter(
          (origin) => !intended.includes(origin) && lets(origin),
        ),
      );
    }
    unescapedDot = letIn.find(isRegistrable) ?? letIn[0];
  }

  return {
    intended,
    anyHost,
    unescapedDot,
    matched: unique([...intended, ...plain, ...foreign].filter(lets)),
  };
}

/**
 * Hosts beside `host` that its owner does not hold: a random name under its public suffix,
 * its own name under made-up top-level domains, random letters glued in front of its domain,
 * and labels after it.
 */
function hostsBeside(host: string): string[] {
  const parsed = parseDomain(host);
  const hosts = MADE_UP_TLDS.map((tld) => `${host}.${RANDOM_LABEL}.${tld}`);
  const known = parsed.isIcann === true || parsed.isPrivate === true;
  if (parsed.publicSuffix && known) {
    hosts.push(`${RANDOM_LABEL}.${parsed.publicSuffix}`);
  }
  const lastDot = host.lastIndexOf('.');
  if (!parsed.isIp && lastDot > 0) {
    const name = known
      ? host.slice(0, host.length - (parsed.publicSuffix?.length ?? 0) - 1)
      : host.slice(0, lastDot);
    hosts.push(...MADE_UP_TLDS.map((tld) => `${name}.${tld}`));
  }
  if (parsed.domain && known) hosts.push(`${RANDOM_LABEL}${parsed.domain}`);
  return hosts;
}

/** Whether the host of `origin` is under a known public suffix, so that someone can register it. */
function isRegistrable(origin: string): boolean {
  const { host } = parseRequestOrigin(origin)!;
  const parsed = parseDomain(host);
  return (
    parsed.domain !== null && (parsed.isIcann || parsed.isPrivate) === true
  );
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];

// A reader of the RegExp syntax that origins use, enough to write down strings it matches.
// Whatever it does not know (backreferences, lookarounds) becomes nothing; every string it
// writes is tested against the RegExp itself, so a wrong guess only makes an example fewer.

type PatternNode =
  | { kind: 'text'; text: string }
  /** A `.` with no quantifier of its own: number `index`, left to right. */
  | { kind: 'dot'; index: number }
  | { kind: 'group'; alternatives: PatternNode[][] }
  | { kind: 'repeat'; node: PatternNode; min: number; max: number };

interface ParsedPattern {
  body: PatternNode[];
  dots: number;
}

function parsePattern(regexp: RegExp): ParsedPattern | undefined {
  try {
    const reader = new PatternReader(regexp.source);
    const body: PatternNode[] = [
      { kind: 'group', alternatives: reader.disjunction() },
    ];
    return { body, dots: reader.dots };
  } catch {
    return undefined;
  }
}

/** The characters a class or escape stands for, as code point ranges. */
type Ranges = [number, number][];

const range = (from: string, to = from): [number, number] => [
  from.codePointAt(0)!,
  to.codePointAt(0)!,
];
const DIGITS: Ranges = [range('0', '9')];
const WORD: Ranges = [range('a', 'z'), range('A', 'Z'), ...DIGITS, range('_')];
const SPACE: Ranges = [range(' '), range('\t', '\r')];
const NOT_DIGITS: Ranges = [range('!', '/'), range(':', '~')];
const NOT_WORD: Ranges = [
  range('!', '/'),
  range(':', '@'),
  range('[', '^'),
  range('`'),
  range('{', '~'),
];
const NOT_SPACE: Ranges = [range('!', '~')];
/** The characters a class's example is chosen from, in this order: a host's, first. */
const PREFERRED = [...'abcdefghijklmnopqrstuvwxyz123456789-0_.'];

const within = (ranges: Ranges, char: string) => {
  const code = char.codePointAt(0)!;
  return ranges.some(([from, to]) => code >= from && code <= to);
};

/** One character that `ranges` (or, `negated`, its complement) holds, a host's if it can. */
function sample(ranges: Ranges, negated: boolean): string {
  const found = PREFERRED.find((char) => within(ranges, char) !== negated);
  if (found !== undefined || negated) return found ?? '';
  const first = ranges[0];
  return first ? String.fromCodePoint(first[0]) : '';
}

const CONTROL: Readonly<Record<string, string>> = {
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  '0': '\0',
};

class PatternReader {
  private pos = 0;
  dots = 0;

  constructor(private readonly source: string) {}

  disjunction(): PatternNode[][] {
    const alternatives = [this.alternative()];
    while (this.source[this.pos] === '|') {
      this.pos++;
      alternatives.push(this.alternative());
    }
    return alternatives;
  }

  private alternative(): PatternNode[] {
    const nodes: PatternNode[] = [];
    while (this.pos < this.source.length) {
      const char = this.source[this.pos];
      if (char === '|' || char === ')') break;
      const node = this.term();
      if (node) nodes.push(node);
    }
    return nodes;
  }

  private term(): PatternNode | undefined {
    const { source } = this;
    if (source[this.pos] === '^' || source[this.pos] === '$') {
      this.pos++;
      return undefined;
    }
    if (/^\(\?<?[=!]/.test(source.slice(this.pos, this.pos + 4))) {
      this.pos += source[this.pos + 2] === '<' ? 4 : 3;
      this.disjunction();
      this.expect(')');
      this.quantifier();
      return undefined;
    }
    const dot = source[this.pos] === '.';
    const atom = this.atom();
    const quantifier = this.quantifier();
    if (!quantifier) {
      return dot ? { kind: 'dot', index: this.dots++ } : atom;
    }
    return { kind: 'repeat', node: atom, ...quantifier };
  }

  private atom(): PatternNode {
    const { source } = this;
    const char = source[this.pos++]!;
    switch (char) {
      case '(': {
        const named = /^\?<[^=!][^>]*>/.exec(source.slice(this.pos));
        if (named) this.pos += named[0].length;
        else if (source.startsWith('?:', this.pos)) this.pos += 2;
        const alternatives = this.disjunction();
        this.expect(')');
        return { kind: 'group', alternatives };
      }
      case '[':
        return { kind: 'text', text: this.characterClass() };
      case '\\':
        return { kind: 'text', text: this.escape() };
      case '.':
        return { kind: 'text', text: 'a' };
      default:
        return { kind: 'text', text: char };
    }
  }

  private quantifier(): { min: number; max: number } | undefined {
    const { source } = this;
    let found: { min: number; max: number } | undefined;
    const char = source[this.pos];
    if (char === '*') found = { min: 0, max: Infinity };
    else if (char === '+') found = { min: 1, max: Infinity };
    else if (char === '?') found = { min: 0, max: 1 };
    if (found) {
      this.pos++;
    } else {
      const braces = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(this.pos));
      if (!braces) return undefined;
      this.pos += braces[0].length;
      const min = Number(braces[1]);
      const max = braces[2] ? (braces[3] ? Number(braces[3]) : Infinity) : min;
      found = { min, max };
    }
    if (source[this.pos] === '?') this.pos++;
    return found;
  }

  /** After `[`: an example character of the class, `''` where it holds none. */
  private characterClass(): string {
    const { source } = this;
    const negated = source[this.pos] === '^';
    if (negated) this.pos++;
    const ranges: Ranges = [];
    while (source[this.pos] !== ']') {
      if (this.pos >= source.length) throw new Error('unterminated class');
      const from = this.classAtom(ranges);
      if (
        from !== undefined &&
        source[this.pos] === '-' &&
        source[this.pos + 1] !== ']'
      ) {
        this.pos++;
        const to = this.classAtom(ranges);
        if (to !== undefined) ranges.push(range(from, to));
        else ranges.push(range(from), range('-'));
      } else if (from !== undefined) {
        ranges.push(range(from));
      }
    }
    this.pos++;
    return sample(ranges, negated);
  }

  /** One character of a class, or `undefined` after adding a class escape's ranges. */
  private classAtom(ranges: Ranges): string | undefined {
    const char = String.fromCodePoint(this.source.codePointAt(this.pos)!);
    this.pos += char.length;
    if (char !== '\\') return char;
    const escaped = this.source[this.pos]!;
    const set = this.classEscape(escaped);
    if (set) {
      this.pos++;
      ranges.push(...set);
      return undefined;
    }
    if (escaped === 'b') {
      this.pos++;
      return '\b';
    }
    return this.escape();
  }

  private classEscape(escaped: string): Ranges | undefined {
    switch (escaped) {
      case 'd':
        return DIGITS;
      case 'w':
        return WORD;
      case 's':
        return SPACE;
      case 'D':
        return NOT_DIGITS;
      case 'W':
        return NOT_WORD;
      case 'S':
        return NOT_SPACE;
      default:
        return undefined;
    }
  }

  /** After `\`: the character an escape stands for, or an example of its class. */
  private escape(): string {
    const { source } = this;
    const char = source[this.pos++]!;
    const set = this.classEscape(char);
    if (set) return sample(set, false);
    if (char in CONTROL) return CONTROL[char]!;
    if (char === 'b' || char === 'B') return '';
    if (/[1-9]/.test(char)) {
      while (/\d/.test(source[this.pos] ?? '')) this.pos++;
      return '';
    }
    const hex =
      char === 'x'
        ? /^[0-9a-f]{2}/i.exec(source.slice(this.pos))
        : char === 'u'
          ? /^(?:[0-9a-f]{4}|\{[0-9a-f]+\})/i.exec(source.slice(this.pos))
          : null;
    if (hex) {
      this.pos += hex[0].length;
      return String.fromCodePoint(parseInt(hex[0].replace(/[{}]/g, ''), 16));
    }
    const braced = /^[kpP](?:<[^>]*>|\{[^}]*\})/.exec(
      source.slice(this.pos - 1),
    );
    if (braced) {
      this.pos += braced[0].length - 1;
      return char === 'p' ? 'a' : '';
    }
    if (char === 'c' && /^[a-z]/i.test(source[this.pos] ?? '')) {
      return String.fromCharCode(source.charCodeAt(this.pos++) % 32);
    }
    return char;
  }

  private expect(char: string) {
    if (this.source[this.pos] !== char) throw new Error(`expected ${char}`);
    this.pos++;
  }
}

/** Strings `nodes` match in sequence, with the `.` numbered `dot` written as `x`. */
function expandSequence(nodes: readonly PatternNode[], dot: number): string[] {
  let strings = [''];
  for (const node of nodes) {
    const parts = expandNode(node, dot);
    strings = strings
      .flatMap((prefix) => parts.map((part) => prefix + part))
      .slice(0, MAX_EXAMPLES);
  }
  return strings;
}

function expandNode(node: PatternNode, dot: number): string[] {
  switch (node.kind) {
    case 'text':
      return [node.text];
    case 'dot':
      return [node.index === dot ? 'x' : '.'];
    case 'group':
      return node.alternatives
        .flatMap((alternative) => expandSequence(alternative, dot))
        .slice(0, MAX_EXAMPLES);
    case 'repeat': {
      // Once or not at all where it may be absent, so that an optional port is tried both ways.
      if (node.max === 0) return [''];
      const parts = expandNode(node.node, dot);
      if (node.min === 0) return ['', ...parts].slice(0, MAX_EXAMPLES);
      const times = Math.min(node.min, MAX_REPEAT);
      return parts.map((part) => part.repeat(times));
    }
  }
}
