import t from 'tap';
import { CpuMeter, LOAD_GENERATOR, cpuSecondsOf, parsePressureTotalUs, parseStatCpuTicks } from '../../../bench/lib/proc-cpu.js';

t.test('parseStatCpuTicks adds utime and stime, even with odd command names', async (t) => {
  const rest = 'S 1 100 100 0 -1 4194560 2000 0 0 0 250 75 0 0 20 0 11 0 5000 1000000 3000';
  const cases: [string, number | null][] = [
    [`1234 (node) ${rest}`, 325],
    [`1234 (my (odd) name) ${rest}`, 325],
    [`1234 (a b c) ${rest}`, 325],
    ['1234 (node) S 1 2', null],
    ['garbage', null],
  ];
  for (const [text, want] of cases) t.equal(parseStatCpuTicks(text), want, text.slice(0, 30));
});

t.test('parsePressureTotalUs reads the PSI total of a line', async (t) => {
  const text = 'some avg10=59.91 avg60=51.90 avg300=35.95 total=1584436976\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=17\n';
  t.equal(parsePressureTotalUs(text, 'some'), 1584436976);
  t.equal(parsePressureTotalUs(text, 'full'), 17);
  t.equal(parsePressureTotalUs('some avg10=1.00\n', 'some'), null);
  t.equal(parsePressureTotalUs('', 'some'), null);
});

t.test('own and child CPU are read from the live system', async (t) => {
  const mine = cpuSecondsOf(process.pid);
  t.ok(mine !== null && mine >= 0, `own CPU ${mine}`);
  t.equal(cpuSecondsOf(2 ** 22 + 12345), null, 'a PID that cannot exist');
  let wall = 0;
  const meter = new CpuMeter(() => new Map([['me', process.pid], ['gone', undefined]]), () => wall);
  meter.start();
  // Burn a little CPU deterministically (bounded loop), then "1 s" of wall time passes.
  let x = 0;
  for (let i = 0; i < 2e6; i++) x += i % 7;
  t.ok(x > 0);
  wall = 1000;
  const r = meter.stop();
  t.equal(r.perProcess.get('gone'), null);
  t.ok((r.perProcess.get(LOAD_GENERATOR) ?? -1) >= 0);
  t.ok((r.perProcess.get('me') ?? -1) >= 0);
});
