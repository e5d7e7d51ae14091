import t from 'tap';
import { defineFlags, FlagError, parseFlags } from '../../../../lib/component/flags.js';
import { formatDuration, parseDuration } from '../../../../lib/component/duration.js';

const TABLE = defineFlags(
  { name: 'name', type: 'string', help: 'a name' },
  { name: 'port', type: 'int', default: 8080, min: 0, max: 65535, help: 'a port' },
  { name: 'ratio', type: 'float', default: 0.5, help: 'a ratio' },
  { name: 'verbose', type: 'bool', help: 'talk more' },
  { name: 'sync-period', type: 'duration', default: '30s', help: 'how often' },
  { name: 'endpoints', type: 'list', default: ['http://a:1'], help: 'where' },
  { name: 'master', type: 'url', help: 'the apiserver' },
  { name: 'mode', type: 'enum', values: ['mock', 'containerd'], default: 'mock', help: 'runtime' },
  { name: 'even', type: 'int', default: 2, help: 'an even number', validate: (v: number) => (v % 2 === 0 ? undefined : 'must be even') },
  { name: 'help', type: 'bool', short: 'h', help: 'help' },
);

t.test('defaults when nothing is given, typed by the table', async (t) => {
  const f = parseFlags(TABLE, []);
  t.same(f, { name: undefined, port: 8080, ratio: 0.5, verbose: false, syncPeriod: 30_000, endpoints: ['http://a:1'], master: undefined, mode: 'mock', even: 2, help: false });
});

t.test('--flag value, --flag=value, booleans, lists, durations, URLs, enums', async (t) => {
  const f = parseFlags(TABLE, ['--name', 'x', '--port=6443', '--ratio', '1.5', '--verbose', '--sync-period=1m30s', '--endpoints', 'http://b:2, http://c:3', '--endpoints=http://d:4', '--master', 'http://127.0.0.1:6443', '--mode=containerd']);
  t.equal(f.name, 'x');
  t.equal(f.port, 6443);
  t.equal(f.ratio, 1.5);
  t.equal(f.verbose, true);
  t.equal(f.syncPeriod, 90_000);
  t.same(f.endpoints, ['http://b:2', 'http://c:3', 'http://d:4'], 'comma-separated and repeated lists append');
  t.equal(f.master?.port, '6443');
  t.equal(f.mode, 'containerd');
  t.equal(parseFlags(TABLE, ['--verbose=false']).verbose, false);
  t.equal(parseFlags(TABLE, ['-h']).help, true);
  t.equal(parseFlags(TABLE, ['--port', '1', '--port', '2']).port, 2, 'the last of a repeated flag wins');
});

t.test('bad input names the flag and what it wants', async (t) => {
  const cases: [string[], RegExp][] = [
    [['--nope'], /unknown flag: --nope/],
    [['-x'], /unknown shorthand flag: -x/],
    [['stray'], /unexpected argument "stray"/],
    [['--port'], /flag needs an argument: --port/],
    [['--name', '--port', '1'], /flag needs an argument: --name/],
    [['--port', 'http'], /invalid value "http" for --port: want an integer in 0\.\.65535/],
    [['--port', '70000'], /want an integer in 0\.\.65535/],
    [['--ratio', 'abc'], /for --ratio: want a number/],
    [['--verbose=maybe'], /for --verbose: want true or false/],
    [['--sync-period', '10'], /for --sync-period: want a duration/],
    [['--master', 'not a url'], /for --master: want a URL/],
    [['--mode', 'docker'], /want one of mock, containerd/],
    [['--even', '3'], /invalid value for --even: must be even/],
  ];
  for (const [argv, want] of cases) t.throws(() => parseFlags(TABLE, argv), { constructor: FlagError, message: want }, argv.join(' '));
});

t.test('a table declaring a flag twice is a programming error', async (t) => {
  t.throws(() => parseFlags(defineFlags({ name: 'a', type: 'string', help: '' }, { name: 'a', type: 'int', help: '' }), []), /declared twice/);
});

t.test('Go durations', async (t) => {
  t.equal(parseDuration('0'), 0);
  t.equal(parseDuration('500ms'), 500);
  t.equal(parseDuration('1h0m0s'), 3_600_000);
  t.equal(parseDuration('1.5s'), 1500);
  t.throws(() => parseDuration('10'));
  t.throws(() => parseDuration('10 s'));
  t.equal(formatDuration(90_000), '1m30s');
  t.equal(formatDuration(250), '250ms');
  t.equal(formatDuration(3_600_000), '1h');
  t.equal(formatDuration(0), '0s');
});
