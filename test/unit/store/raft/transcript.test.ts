// Runs every transcript scenario in test/testdata/raft/*.txt and compares each command's output
// with the expected output recorded in the file. RAFT_REWRITE=1 rewrites the files with the
// actual output (review the diff before committing!). RAFT_TRANSCRIPT=name runs one file.
import t from 'tap';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TranscriptCluster, formatTranscript, parseTranscript } from './transcript.js';

/** The compiled test may live in dist/ or .build/<name>/: walk up to the directory holding the data. */
function findDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 10; k++) {
    const candidate = join(dir, 'test', 'testdata', 'raft');
    if (existsSync(candidate) && existsSync(join(dir, 'package.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('test/testdata/raft not found above the test file');
}

const dataDir = findDataDir();
const only = process.env.RAFT_TRANSCRIPT;
const files = readdirSync(dataDir)
  .filter((f) => f.endsWith('.txt'))
  .filter((f) => !only || f === only || f === `${only}.txt`)
  .sort();

t.ok(files.length >= 9, `found ${files.length} transcript files`);

for (const file of files) {
  t.test(file, async (t) => {
    const path = join(dataDir, file);
    const src = readFileSync(path, 'utf8');
    const blocks = parseTranscript(src);
    const cluster = new TranscriptCluster();
    const actual: string[] = [];
    for (const b of blocks) {
      let out: string;
      try {
        out = cluster.run(b.command);
      } catch (err) {
        out = `error: ${(err as Error).message}`;
      }
      actual.push(out);
      if (process.env.RAFT_REWRITE !== '1') t.equal(out, b.expected, `${file}:${b.line}: ${b.command}`);
    }
    if (process.env.RAFT_REWRITE === '1') {
      writeFileSync(path, formatTranscript(blocks, actual, src));
      t.pass(`rewrote ${file}`);
    }
  });
}
