/**
 * Times of a token in human form: `expired 3 h ago`, `not valid for 2 min`, `issued 5 min ago`.
 * Pure: the current time is an argument.
 */

const UNITS: ReadonlyArray<readonly [number, string]> = [
  [86_400, 'd'],
  [3600, 'h'],
  [60, 'min'],
];

/**
 * A duration, rounded down to its largest unit: `45 s`, `3 min`, `2 h`, `4 d`.
 *
 * @example
 * ```ts
 * humanDuration(7300); // '2 h'
 * ```
 */
export function humanDuration(seconds: number): string {
  const s = Math.floor(Math.abs(seconds));
  for (const [size, unit] of UNITS) {
    if (s >= size) return `${Math.floor(s / size)} ${unit}`;
  }
  return `${s} s`;
}

/**
 * A NumericDate (RFC 7519 §2) as an ISO 8601 UTC string, or `undefined` when out of range.
 *
 * @example
 * ```ts
 * isoTime(1_700_000_000); // '2023-11-14T22:13:20Z'
 * ```
 */
export function isoTime(seconds: number): string | undefined {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().replace('.000Z', 'Z');
}

/**
 * What a time claim means now, in words; `undefined` for claims that are not times.
 *
 * @example
 * ```ts
 * describeTime('exp', now - 3 * 3600, now); // 'expired 3 h ago'
 * describeTime('nbf', now + 120, now);      // 'not valid for 2 min'
 * ```
 */
export function describeTime(claim: string, value: number, nowSeconds: number): string | undefined {
  const delta = value - nowSeconds;
  const span = humanDuration(delta);
  switch (claim) {
    case 'exp':
      return delta > 0 ? `expires in ${span}` : `expired ${span} ago`;
    case 'nbf':
      return delta > 0 ? `not valid for ${span}` : `valid since ${span} ago`;
    case 'iat':
      return delta > 0 ? `issued ${span} in the future (clock skew?)` : `issued ${span} ago`;
    case 'auth_time':
      return delta > 0 ? `signed in ${span} in the future` : `signed in ${span} ago`;
    default:
      return undefined;
  }
}
