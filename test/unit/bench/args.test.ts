import t from 'tap';
import { flagsHelp, parseFlags, UsageError, type FlagSpec } from '../../../bench/lib/args.js';

const SPEC: Record<string, FlagSpec> = {
  quick: { kind: 'boolean', help: 'q' },
  only: { kind: 'string', choices: ['etcd', 'k8ts'], help: 'o' },
  runs: { kind: 'number', min: 1, max: 5, help: 'r' },
  dir: { kind: 'string', help: 'd' },
};

t.test('parses every flag form', async (t) => {
  const cases: [string[], Record<string, unknown>][] = [
    [[], {}],
    [['--quick'], { quick: true }],
    [['--quick=false'], { quick: false }],
    [['--only', 'etcd', '--runs', '3'], { only: 'etcd', runs: 3 }],
    [['--only=k8ts', '--runs=1'], { only: 'k8ts', runs: 1 }],
    [['--dir', '--weird'], { dir: '--weird' }],
  ];
  for (const [args, want] of cases) t.same(parseFlags(args, SPEC), want, args.join(' '));
});

t.test('bad input names the flag', async (t) => {
  const cases: [string[], RegExp][] = [
    [['--nope'], /unknown flag --nope/],
    [['stray'], /unexpected argument "stray"/],
    [['--only', 'zk'], /--only must be one of etcd, k8ts/],
    [['--runs'], /--runs needs a value/],
    [['--runs', 'x'], /--runs must be a number/],
    [['--runs', ''], /--runs must be a number/],
    [['--runs', '9'], /--runs must be within \[1, 5\]/],
    [['--quick=yes'], /--quick takes true or false/],
  ];
  for (const [args, re] of cases) t.throws(() => parseFlags(args, SPEC), { name: 'UsageError', message: re } as unknown as Error, args.join(' '));
  t.ok(new UsageError('x') instanceof Error);
});

t.test('help lists every flag', async (t) => {
  const help = flagsHelp(SPEC);
  for (const name of Object.keys(SPEC)) t.match(help, `--${name}`);
  t.match(help, '--only <etcd|k8ts>');
});
