import { describe, expect, it } from '@jest/globals';
import { describeTime, humanDuration, isoTime } from '../../lib/cli/time.js';

const NOW = 1_700_000_000;

describe('humanDuration', () => {
  it.each([
    [0, '0 s'],
    [59, '59 s'],
    [-59.9, '59 s'],
    [60, '1 min'],
    [3599, '59 min'],
    [3 * 3600 + 1200, '3 h'],
    [86_400 * 2 + 5, '2 d'],
  ])('%d s reads "%s"', (seconds, text) => {
    expect(humanDuration(seconds)).toBe(text);
  });
});

describe('describeTime', () => {
  it.each([
    ['exp', NOW - 3 * 3600, 'expired 3 h ago'],
    ['exp', NOW + 57 * 60, 'expires in 57 min'],
    ['nbf', NOW + 120, 'not valid for 2 min'],
    ['nbf', NOW - 30, 'valid since 30 s ago'],
    ['iat', NOW - 300, 'issued 5 min ago'],
    ['iat', NOW + 90, 'issued 1 min in the future (clock skew?)'],
    ['auth_time', NOW - 86_400, 'signed in 1 d ago'],
    ['auth_time', NOW + 10, 'signed in 10 s in the future'],
  ])('%s %d reads "%s"', (claim, value, text) => {
    expect(describeTime(claim, value, NOW)).toBe(text);
  });

  it('says nothing about claims that are not times', () => {
    expect(describeTime('sub', NOW, NOW)).toBeUndefined();
  });
});

describe('isoTime', () => {
  it('writes a NumericDate in UTC, and nothing for one out of range', () => {
    expect(isoTime(NOW)).toBe('2023-11-14T22:13:20Z');
    expect(isoTime(1e20)).toBeUndefined();
  });
});
