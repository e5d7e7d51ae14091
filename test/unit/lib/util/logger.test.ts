import t from 'tap';
import { Writable } from 'node:stream';
import { createLogger, parseLevel } from '../../../../lib/util/logger.js';

function sink(lines: string[]) {
  return new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
}

t.test('writes JSON lines carrying the component name', async (t) => {
  const lines: string[] = [];
  const log = createLogger('scheduler', { level: 'debug', destination: sink(lines), env: {} });
  log.debug({ pod: 'default/a' }, 'binding');
  const rec = JSON.parse(lines[0]!);
  t.equal(rec.component, 'scheduler');
  t.equal(rec.msg, 'binding');
  t.equal(rec.pod, 'default/a');
});

t.test('level comes from the flag, then K8TS_LOG_LEVEL, then info', async (t) => {
  const lines: string[] = [];
  t.equal(createLogger('x', { destination: sink(lines), env: {} }).level, 'info');
  t.equal(createLogger('x', { destination: sink(lines), env: { K8TS_LOG_LEVEL: 'warn' } }).level, 'warn');
  t.equal(createLogger('x', { level: 'ERROR', destination: sink(lines), env: { K8TS_LOG_LEVEL: 'warn' } }).level, 'error');
  t.throws(() => parseLevel('loud'), /invalid log level "loud"/);
});
