import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeKubernetesProtobuf } from '../../../../../lib/api/protobuf/index.js';
import { protobufTestdataDir, stripNulls } from './helpers.js';
import { KUBECTL_CASES } from './kubectl-cases.js';

/**
 * Bodies the real kubectl 1.32 POSTed for each `kubectl create` case, next to what
 * `--dry-run=client -o json` printed for the same command (regenerate both with
 * UPDATE_PROTOBUF_FIXTURES=1 and kubectl-create.test.ts). Runs without kubectl.
 */

const dir = protobufTestdataDir();
const bodies = readdirSync(dir).filter((f) => f.endsWith('.pb')).sort();

t.strictSame(
  bodies.map((f) => f.slice(0, -'.pb'.length)).sort(),
  KUBECTL_CASES.map((c) => c.name).sort(),
  'one captured body per kubectl case',
);

for (const file of bodies) {
  t.test(file, async (t) => {
    const decoded = decodeKubernetesProtobuf(readFileSync(join(dir, file)));
    const expected = JSON.parse(readFileSync(join(dir, file.replace(/\.pb$/, '.json')), 'utf8')) as Record<string, unknown>;
    t.equal(decoded.apiVersion, expected.apiVersion);
    t.equal(decoded.kind, expected.kind);
    t.strictSame(decoded.unknownFields, []);
    t.strictSame(stripNulls(decoded.object), stripNulls(expected));
  });
}
