import t from 'tap';
import { LineSplitter } from '../../../bench/lib/ndjson-lines.js';

t.test('lines come out whole whatever the chunk boundaries', async (t) => {
  const text = '{"type":"ADDED","object":{"a":1}}\n{"type":"MODIFIED","object":{}}\r\n\n{"type":"DELETED"}\n';
  const want = ['{"type":"ADDED","object":{"a":1}}', '{"type":"MODIFIED","object":{}}', '{"type":"DELETED"}'];
  // Every way of cutting the text in two, and one character at a time.
  for (let cut = 0; cut <= text.length; cut++) {
    const s = new LineSplitter();
    t.same([...s.push(text.slice(0, cut)), ...s.push(text.slice(cut))], want, `cut at ${cut}`);
    t.equal(s.pending, 0);
  }
  const s = new LineSplitter();
  const got: string[] = [];
  for (const ch of text) got.push(...s.push(ch));
  t.same(got, want, 'one character per chunk');
});

t.test('an unterminated tail waits for its newline', async (t) => {
  const s = new LineSplitter();
  t.same(s.push('{"type":"ADD'), []);
  t.equal(s.pending, 12);
  t.same(s.push('ED"}\n{"x"'), ['{"type":"ADDED"}']);
  t.equal(s.pending, 4);
});

t.test('a line longer than the bound is an error, not unbounded memory', async (t) => {
  const s = new LineSplitter(8);
  t.same(s.push('1234567\n'), ['1234567']);
  t.throws(() => s.push('123456789'), /grew past 8 characters/);
  t.equal(s.pending, 0, 'the broken line is dropped');
  t.throws(() => new LineSplitter(0), RangeError);
});
