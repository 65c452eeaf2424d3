import { describe, expect, it } from 'vitest';
import { intFlag, parseVerbArgs, splitVerb } from './args.js';
import { FlagError, finalErrorText } from './errors.js';
import { parseGoDuration } from './go-duration.js';

const GET = { output: { type: 'string', short: 'o' }, watch: { type: 'boolean', short: 'w' }, filename: { type: 'string', short: 'f', multiple: true } } as const;

describe('splitVerb', () => {
  it.each([
    [['get', 'pods'], 'get', ['pods']],
    [['--kubeconfig', '/k', '-n', 'demo', 'get', 'pods'], 'get', ['--kubeconfig', '/k', '-n', 'demo', 'pods']],
    [['--kubeconfig=/k', 'apply', '-f', 'x'], 'apply', ['--kubeconfig=/k', '-f', 'x']],
    [['-h'], undefined, ['-h']],
  ])('%j', (argv, verb, rest) => {
    expect(splitVerb(argv)).toEqual({ verb, rest });
  });
});

describe('parseVerbArgs', () => {
  it('takes global flags anywhere, pflag forms and --bool=false', () => {
    const p = parseVerbArgs('get', ['pods', '-n', 'demo', '-o=yaml', '--watch=false', '-f', 'a', '-fb', '--context=c'], GET);
    expect(p.positionals).toEqual(['pods']);
    expect(p.flags).toMatchObject({ namespace: 'demo', output: 'yaml', watch: false, filename: ['a', 'b'], context: 'c' });
  });

  it.each([
    [['--bogus'], 'Error: unknown flag: --bogus\nSee \'meshctl get --help\' for usage.'],
    [['-z'], "Error: unknown shorthand flag: 'z' in -z\nSee 'meshctl get --help' for usage."],
    [['-n'], "Error: flag needs an argument: 'n' in -n\nSee 'meshctl get --help' for usage."],
    [['--kubeconfig'], "Error: flag needs an argument: --kubeconfig\nSee 'meshctl get --help' for usage."],
    [['--watch=maybe'], 'Error: invalid argument "maybe" for "--watch" flag: strconv.ParseBool: parsing "maybe": invalid syntax\nSee \'meshctl get --help\' for usage.'],
  ])('%j fails with kubectl\'s text', (argv, text) => {
    let caught: unknown;
    try {
      parseVerbArgs('get', argv, GET);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FlagError);
    expect(finalErrorText(caught, 'get')).toBe(text);
  });

  it('parses int flags and Go durations', () => {
    expect(intFlag({ replicas: '3' }, 'replicas', -1)).toBe(3);
    expect(() => intFlag({ replicas: 'x' }, 'replicas', -1)).toThrow('invalid argument "x" for "--replicas" flag: strconv.ParseInt: parsing "x": invalid syntax');
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('500ms')).toBe(500);
    expect(parseGoDuration('0')).toBe(0);
    expect(() => parseGoDuration('30')).toThrow('invalid argument "30" for "--timeout" flag: time: missing unit in duration "30"');
    expect(() => parseGoDuration('3x')).toThrow('time: unknown unit "x" in duration "3x"');
  });
});
