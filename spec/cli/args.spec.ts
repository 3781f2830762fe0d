import { describe, expect, it } from '@jest/globals';
import { parseCliArgs } from '../../lib/cli/args.js';

describe('parseCliArgs', () => {
  it.each([
    [['explain', 'abc'], { kind: 'explain', token: 'abc', config: undefined }],
    [['explain', '-', '--config', 'a.mjs'], { kind: 'explain', token: '-', config: 'a.mjs' }],
    [['explain', '-c', 'a.json', 'abc'], { kind: 'explain', token: 'abc', config: 'a.json' }],
    [['--help'], { kind: 'help' }],
    [['explain', '-h'], { kind: 'help' }],
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

  it('refuses unknown options', () => {
    expect(parseCliArgs(['explain', 'a', '--verbose'])).toMatchObject({ kind: 'usage-error' });
  });
});
