/**
 * Case folding for directory lookups that never maps a compatibility character onto ASCII.
 *
 * `'K'.normalize('NFC')` (U+212A KELVIN SIGN) is `'K'`, `'İ'.toLowerCase()` (U+0130) is `'i̇'`,
 * and `'ſ'.toUpperCase()` (U+017F LONG S) is `'S'`: folding with plain NFC + `toLowerCase()`
 * would let a name spelt with such a character (`admin` with a Kelvin sign for `k`, say) match an
 * ASCII entry it is not. The rule here:
 * - a non-ASCII character that NFC maps onto ASCII is kept as it is, untouched;
 * - the rest is NFC-normalised and lower-cased one character at a time, and a non-ASCII
 *   character whose lower case contains ASCII is kept as it is.
 * So ASCII only ever matches ASCII, case-insensitively, and non-ASCII names still match across
 * case and canonically equivalent spellings (`É` = `é` = `e` + U+0301).
 */

const ASCII_ONLY = /^[ -~]*$/; // printable ASCII: names have no control characters

/** `true` when `text` holds an ASCII character (U+0000 to U+007F). */
const hasAscii = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x80) return true;
  return false;
};

function foldCharacter(character: string): string {
  if ((character.codePointAt(0) as number) < 0x80) return character.toLowerCase();
  const lower = character.toLowerCase();
  return hasAscii(lower) ? character : lower;
}

function foldRun(run: string): string {
  let folded = '';
  for (const character of run.normalize('NFC')) folded += foldCharacter(character);
  return folded;
}

/**
 * The lookup key of a username or e-mail address.
 *
 * @example
 * ```ts
 * foldName('Admin');      // 'admin'
 * foldName('\u212Aate');  // '\u212Aate' — the Kelvin sign is not a "k"
 * foldName('Ärger');      // 'ärger'
 * ```
 */
export function foldName(value: string): string {
  // Plain ASCII (nearly every username) folds with toLowerCase alone.
  if (ASCII_ONLY.test(value)) return value.toLowerCase();
  let folded = '';
  let run = '';
  for (const character of value) {
    if ((character.codePointAt(0) as number) >= 0x80 && hasAscii(character.normalize('NFC'))) {
      folded += foldRun(run) + character;
      run = '';
    } else {
      run += character;
    }
  }
  return folded + foldRun(run);
}
