import t from 'tap';
import { CodecError, decodeMessages, encodeMessages } from '../../../store/codec.js';
import { makeMessage, type Message } from '../../../store/raft/types.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s));

t.test('a batch round-trips with entries and a snapshot', async (t) => {
  const msgs: Message[] = [
    makeMessage({ type: 'MsgApp', from: 1, to: 2, term: 3, index: 9, logTerm: 2, commit: 8, clusterId: 'c1', entries: [
      { term: 3, index: 10, type: 'normal', data: bytes('{"c":{"type":"put"}}') },
      { term: 3, index: 11, type: 'confChange', data: bytes('x') },
      { term: 3, index: 12, type: 'normal', data: new Uint8Array(0) },
    ] }),
    makeMessage({ type: 'MsgHeartbeat', from: 1, to: 2, term: 3, context: 'read-1', clusterId: 'c1' }),
    makeMessage({ type: 'MsgSnap', from: 1, to: 2, term: 3, clusterId: 'c1', snapshot: { metadata: { index: 100, term: 2, confState: { voters: [1, 2, 3] } }, data: bytes('snapshot-bytes') } }),
  ];
  const back = decodeMessages(encodeMessages(msgs));
  t.equal(back.length, 3);
  t.same(back[0]!.entries.map((e) => [e.term, e.index, e.type, Buffer.from(e.data).toString()]), [
    [3, 10, 'normal', '{"c":{"type":"put"}}'],
    [3, 11, 'confChange', 'x'],
    [3, 12, 'normal', ''],
  ]);
  t.equal(back[0]!.commit, 8);
  t.equal(back[1]!.context, 'read-1');
  t.same(back[2]!.snapshot!.metadata, { index: 100, term: 2, confState: { voters: [1, 2, 3] } });
  t.equal(Buffer.from(back[2]!.snapshot!.data).toString(), 'snapshot-bytes');
});

t.test('malformed batches are rejected with a CodecError, never a crash', async (t) => {
  const good = encodeMessages([makeMessage({ type: 'MsgApp', from: 1, to: 2, entries: [{ term: 1, index: 1, type: 'normal', data: bytes('abc') }] })]);
  const header = (json: string, tail = Buffer.alloc(0)) => {
    const h = Buffer.from(json);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(h.length);
    return Buffer.concat([len, h, tail]);
  };
  const cases: [string, Buffer, RegExp][] = [
    ['empty', Buffer.alloc(0), /shorter than its length prefix/],
    ['header longer than body', Buffer.from([0, 0, 1, 0, 1]), /exceeds body/],
    ['header not JSON', header('{nope'), /not JSON/],
    ['header not a list', header('{}'), /not a list/],
    ['message not an object', header('[1]'), /not an object/],
    ['no entries list', header('[{}]'), /no entries list/],
    ['payload runs past the end', header('[{"entries":[{"t":1,"i":1,"c":0,"n":99}]}]', Buffer.from('ab')), /runs past the end/],
    ['negative length', header('[{"entries":[{"t":1,"i":1,"c":0,"n":-1}]}]'), /runs past the end/],
    ['trailing bytes', Buffer.concat([good, Buffer.from('zz')]), /trailing bytes/],
    ['truncated payload', good.subarray(0, good.length - 1), /runs past the end/],
  ];
  for (const [name, buf, re] of cases) t.throws(() => decodeMessages(buf), { name: 'CodecError', message: re }, name);
  t.ok(new CodecError('x') instanceof Error);
});
