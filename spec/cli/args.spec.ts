import { describe, expect, it } from '@jest/globals';
import { parseCliArgs } from '../../lib/cli/args.js';

describe('parseCliArgs', () => {
  it.each([
    [['explain', 'abc'], { kind: 'explain', token: 'abc', config: undefined, json: false }],
    [
      ['explain', '-', '--config', 'a.mjs'],
      { kind: 'explain', token: '-', config: 'a.mjs', json: false },
    ],
    [
      ['explain', '-c', 'a.json', 'abc'],
      { kind: 'explain', token: 'abc', config: 'a.json', json: false },
    ],
    [
      ['explain', 'abc', '--json', '--config=a.json'],
      { kind: 'explain', token: 'abc', config: 'a.json', json: true },
    ],
    [['--help'], { kind: 'help' }],
    [['explain', '-h'], { kind: 'help' }],
    [['--version'], { kind: 'version' }],
    [['-v'], { kind: 'version' }],
  ])('reads %j', (argv, command) => {
    expect(parseCliArgs(argv)).toEqual(command);
  });

  it.each([
    [[], 'no command given'],
    [['decode', 'abc'], 'unknown command "decode"'],
    [['explain'], 'no token given (pass "-" to read it from stdin)'],
    [['explain', ' '], 'no token given (pass "-" to read it from stdin)'],
    [['explain', 'a', 'b'], 'more than one token given'],
    [['explain', 'a', '--config', ''], '--config needs a file'],
  ])('refuses %j', (argv, message) => {
    expect(parseCliArgs(argv)).toEqual({ kind: 'usage-error', message });
  });

  it.each([
    [['explain', 'a', '--verbose'], 'unknown option "--verbose" (see --help)'],
    [['explain', 'a', '--jsno'], 'unknown option "--jsno"; did you mean --json?'],
    [['explain', 'a', '--conifg', 'x.json'], 'unknown option "--conifg"; did you mean --config?'],
    [['explain', 'a', '--versoin'], 'unknown option "--versoin"; did you mean --version?'],
    [['explain', 'a', '-x'], 'unknown option "-x" (see --help)'],
    [['explain', 'a', '-hx'], 'unknown option "-x" (see --help)'],
    [['explain', 'a', '--config'], '--config needs a file'],
    [['explain', 'a', '--json=yes'], '--json takes no value'],
  ])('names an unknown or misused option in its own words: %j', (argv, message) => {
    const parsed = parseCliArgs(argv);
    expect(parsed).toEqual({ kind: 'usage-error', message });
    // Never Node's parser text.
    expect(message).not.toMatch(/positional|To specify|ERR_PARSE_ARGS/);
  });

  it('reads a config value that looks like a flag, and a token after --', () => {
    expect(parseCliArgs(['explain', '--config=-odd.json', 'abc'])).toEqual({
      kind: 'explain',
      token: 'abc',
      config: '-odd.json',
      json: false,
    });
    expect(parseCliArgs(['explain', '--', '-abc'])).toEqual({
      kind: 'explain',
      token: '-abc',
      config: undefined,
      json: false,
    });
  });
});
