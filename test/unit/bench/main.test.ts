import t from 'tap';
import { BENCHMARKS, main, splitArgs } from '../../../bench/main.js';

t.test('splitArgs: names up to the first flag, the rest passed on', async (t) => {
  const cases: [string[], { names: string[]; flags: string[] }][] = [
    [[], { names: [], flags: [] }],
    [['store'], { names: ['store'], flags: [] }],
    [['store', 'wal', '--quick'], { names: ['store', 'wal'], flags: ['--quick'] }],
    [['store', '--only', 'etcd'], { names: ['store'], flags: ['--only', 'etcd'] }],
  ];
  for (const [argv, want] of cases) t.same(splitArgs(argv), want, argv.join(' '));
});

t.test('the registry names every benchmark', async (t) => {
  t.same(Object.keys(BENCHMARKS).sort(), ['apiserver', 'client', 'kubelet', 'mvcc', 'store', 'wal']);
  for (const e of Object.values(BENCHMARKS)) t.match(e.file, /^\.\/[a-z]+\.js$/);
});

t.test('main lists with no name and rejects unknown names', async (t) => {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    t.equal(await main([]), 0);
    t.equal(await main(['nosuch']), 2);
  } finally {
    console.log = log;
    console.error = error;
  }
  t.match(out.join('\n'), /store\s+k8ts store vs real etcd/);
  t.match(err.join('\n'), /unknown benchmark: nosuch/);
});
