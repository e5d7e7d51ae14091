// Where the checkout and test/testdata are, from a compiled test file in dist/ (or elsewhere):
// walk up from this module until the directory with package.json and test/testdata.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 10; k++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'testdata'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('the checkout root (package.json, test/testdata) was not found above the test file');
}

/** test/testdata/<name> of the checkout. */
export function testdataDir(name: string): string {
  return join(repoRoot(), 'test', 'testdata', name);
}
