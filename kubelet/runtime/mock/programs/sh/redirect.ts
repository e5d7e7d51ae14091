// Redirections of one command: `>`, `>>`, `>|`, `<`, `<>`, `n>&m`, `n<&m`, `n>&-` and here-documents,
// applied to copies of the command's stdin/stdout/stderr. Files go through the container's fs;
// failures read as ash's (`can't create /x/y: nonexistent directory`).
import { Readable } from 'node:stream';
import { ErrnoError, errnoMessage, openInput, openOutput, type OpenOutput } from '../files.js';
import { nullSink } from '../io.js';
import type { Redirect } from './ast.js';
import type { Io } from './child.js';
import type { Shell } from './shell.js';

export class RedirectError extends Error {
  override readonly name = 'RedirectError';
}

/** ash's short texts for open(2) failures on redirections. */
function ashReason(err: unknown, creating: boolean): string {
  const code = (err as { code?: string }).code ?? (err instanceof ErrnoError ? err.code : undefined);
  if (code === 'ENOENT') return creating ? 'nonexistent directory' : 'no such file';
  return errnoMessage(code);
}

type Fd = 0 | 1 | 2;

function get(io: Io, fd: Fd): Io[keyof Io] {
  return fd === 0 ? io.stdin : fd === 1 ? io.stdout : io.stderr;
}

function set(io: Io, fd: Fd, value: Io[keyof Io]): void {
  if (fd === 0) io.stdin = value as Io['stdin'];
  else if (fd === 1) io.stdout = value as Io['stdout'];
  else io.stderr = value as Io['stderr'];
}

function fdOf(n: number): Fd {
  if (n !== 0 && n !== 1 && n !== 2) throw new RedirectError(`${n}: bad file descriptor`);
  return n;
}

export async function applyRedirects(shell: Shell, redirects: readonly Redirect[], io: Io): Promise<{ io: Io; close(): void }> {
  const current: Io = { ...io };
  const opened: OpenOutput[] = [];
  const close = () => opened.splice(0).forEach((o) => o.close());
  try {
    for (const r of redirects) {
      const fd = fdOf(r.fd);
      const target = await shell.expander.string(r.target);
      const fsView = { cwd: shell.cwd, fs: shell.ctx.fs, stdout: current.stdout, stderr: current.stderr, stdin: current.stdin };
      switch (r.op) {
        case '<<':
          set(current, fd, Readable.from([Buffer.from(target)]));
          break;
        case '<':
        case '<>':
          try {
            set(current, fd, await openInput(fsView, target));
          } catch (err) {
            throw new RedirectError(`can't open ${target}: ${ashReason(err, false)}`);
          }
          break;
        case '>':
        case '>|':
        case '>>': {
          let out: OpenOutput;
          try {
            out = openOutput(fsView, target, r.op === '>>');
          } catch (err) {
            throw new RedirectError(`can't create ${target}: ${ashReason(err, true)}`);
          }
          opened.push(out);
          set(current, fd, out.sink);
          break;
        }
        case '>&':
        case '<&':
          if (target === '-') set(current, fd, fd === 0 ? null : nullSink);
          else if (/^\d+$/.test(target)) set(current, fd, get(current, fdOf(Number(target))));
          else throw new RedirectError(`${target}: bad file descriptor`);
          break;
      }
    }
  } catch (err) {
    close();
    throw err;
  }
  return { io: current, close };
}
