// Pathname expansion against the container's file tree: each path component with a wildcard is
// matched against the directory's entries (dot files only by a pattern starting with a dot).
import { access, readdir } from 'node:fs/promises';
import { posix } from 'node:path';
import type { ContainerFS } from '../../process.js';
import { hasWildcard, patternRegExp } from './pattern.js';

const unescape = (s: string) => s.replace(/\\(.)/g, '$1');

/** Paths (relative if the pattern is) matching `pattern` from `cwd`, sorted; [] when none. */
export async function glob(fs: ContainerFS, cwd: string, pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith('/');
  const components = pattern.split('/').filter((c, i) => c !== '' || i === 0);
  let matches: string[] = [absolute ? '/' : ''];
  for (const component of absolute ? components.slice(1) : components) {
    const next: string[] = [];
    for (const base of matches) {
      if (!hasWildcard(component)) {
        next.push(join(base, unescape(component)));
        continue;
      }
      const dir = posix.resolve(cwd, base || '.');
      let entries: string[];
      try {
        entries = await readdir(fs.resolve(dir));
      } catch {
        continue;
      }
      const re = patternRegExp(component);
      for (const e of entries.sort()) if ((component.startsWith('.') || !e.startsWith('.')) && re.test(e)) next.push(join(base, e));
    }
    matches = next;
    if (matches.length === 0) return [];
  }
  if (!hasWildcard(pattern)) return [];
  // The last literal components must exist for the match to count.
  const existing: string[] = [];
  for (const m of matches) {
    try {
      await access(fs.resolve(posix.resolve(cwd, m)));
      existing.push(m);
    } catch {
      // not there: not a match
    }
  }
  return existing;
}

function join(base: string, name: string): string {
  if (base === '') return name;
  return base.endsWith('/') ? base + name : `${base}/${name}`;
}
