import { describe, expect, it } from '@jest/globals';
import { CorsDenialLog, DENIALS_LOGGED_PER_MINUTE } from './cors-denial-log.js';

/** A denial log on a clock the test moves. */
function logAt() {
  const lines: string[] = [];
  const clock = { now: 1_000_000 };
  const log = new CorsDenialLog(
    (line) => lines.push(line),
    () => clock.now,
  );
  return { lines, clock, log };
}

describe('CorsDenialLog', () => {
  it('writes the first denials of a minute, then counts the rest and says how many with the next one', () => {
    const { lines, clock, log } = logAt();
    for (let i = 0; i < 25; i++)
      log.record('default', 'origin_not_allowed', () => `denial ${i}`);
    expect(lines).toEqual(
      Array.from(
        { length: DENIALS_LOGGED_PER_MINUTE },
        (_, i) => `denial ${i}`,
      ),
    );
    clock.now += 59_999;
    log.record('default', 'origin_not_allowed', () => 'still the same minute');
    expect(lines).toHaveLength(DENIALS_LOGGED_PER_MINUTE);
    clock.now += 1;
    log.record('default', 'origin_not_allowed', () => 'next minute');
    expect(lines.slice(DENIALS_LOGGED_PER_MINUTE)).toEqual([
      'CORS: 16 more denials by policy "default" (origin_not_allowed) were not logged in the minute before',
      'next minute',
    ]);
  });

  it('counts each policy and reason apart, so a flood of one leaves the others logged', () => {
    const { lines, log } = logAt();
    for (let i = 0; i < 100; i++)
      log.record('default', 'malformed_origin', () => 'flood');
    log.record('default', 'origin_not_allowed', () => 'other reason');
    log.record('admin', 'malformed_origin', () => 'other policy');
    expect(lines.slice(DENIALS_LOGGED_PER_MINUTE)).toEqual([
      'other reason',
      'other policy',
    ]);
  });

  it('builds a line only for a denial it writes', () => {
    const { log } = logAt();
    let built = 0;
    for (let i = 0; i < 50; i++)
      log.record('default', 'origin_not_allowed', () => String(++built));
    expect(built).toBe(DENIALS_LOGGED_PER_MINUTE);
  });
});
