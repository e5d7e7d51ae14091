// Static file serving as nginx and httpd do it by default: a document root in the container's file
// tree (a mounted volume when there is one, else the page the image ships), index.html for
// directories, 404 for what is missing, 403 for a directory without an index (no autoindex).
import { readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { ContainerFS } from '../process.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.htm': 'text/html',
  '.txt': 'text/plain',
  '.css': 'text/css',
  '.js': 'application/javascript',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
};

export type StaticResult = { status: 200; body: Buffer; contentType: string } | { status: 403 | 404 | 405 };

/** The file for `GET url` under `root`, or the status a server answers without one. */
export async function serveStatic(fs: ContainerFS, root: string, method: string, url: string): Promise<StaticResult> {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405 };
  let path: string;
  try {
    path = decodeURIComponent(url.split('?')[0] ?? '/');
  } catch {
    return { status: 404 };
  }
  // normalize keeps `..` from climbing out of the document root.
  const rel = posix.normalize(`/${path}`);
  let file = fs.resolve(posix.join(root, rel));
  try {
    let st = await stat(file);
    if (st.isDirectory()) {
      file = fs.resolve(posix.join(root, rel, 'index.html'));
      st = await stat(file).catch(() => null as never);
      if (!st) return { status: 403 };
    }
    const body = await readFile(file);
    return { status: 200, body, contentType: TYPES[posix.extname(file).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return { status: 404 };
  }
}
