// GET /containerLogs/{namespace}/{pod}/{container}: a container's log, streamed as it is read
// (and, with follow, as it is written). Errors are plain text with the kubelet's status codes
// (404 for an unknown pod or container, 400 for everything about the container's state), which
// the apiserver turns into a Status for kubectl.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { ContainerLogError, containerLogSource } from '../logs/container-log-source.js';
import { LogOptionsError, parseContainerLogOptions } from '../logs/log-options.js';
import { readContainerLog } from '../logs/log-reader.js';
import type { KubeletServerDeps } from './deps.js';
import { findPod, hasContainer } from './pods.js';

function plain(reply: FastifyReply, code: number, message: string): FastifyReply {
  return reply.code(code).type('text/plain; charset=utf-8').send(message);
}

/** Writes with backpressure; resolves at once when the client is gone. */
function writeTo(res: ServerResponse): (chunk: Buffer) => Promise<void> {
  return (chunk) =>
    new Promise((resolve) => {
      if (res.destroyed || res.writableEnded) return resolve();
      if (res.write(chunk)) return resolve();
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.once('drain', done);
      res.once('close', done);
    });
}

export function containerLogsHandler(deps: KubeletServerDeps) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const { namespace, pod: podName, container } = req.params as { namespace: string; pod: string; container: string };
    let opts;
    try {
      opts = parseContainerLogOptions(req.query as Record<string, string>, deps.clock.now());
    } catch (err) {
      if (err instanceof LogOptionsError) return plain(reply, 400, err.message);
      throw err;
    }
    const pod = findPod(deps.pods(), namespace, podName);
    if (!pod) return plain(reply, 404, `pod "${podName}" does not exist\n`);
    if (!hasContainer(pod, container)) return plain(reply, 404, `container "${container}" not found in pod "${podName}"\n`);

    let source;
    try {
      source = await containerLogSource(deps.runtime, pod, container, opts.previous);
    } catch (err) {
      if (err instanceof ContainerLogError) return plain(reply, err.statusCode, err.message);
      return plain(reply, 500, (err as Error).message);
    }

    const ac = new AbortController();
    const raw = reply.raw;
    raw.on('close', () => ac.abort());
    reply.hijack();
    const write = writeTo(raw);
    let started = false;
    const sink = async (chunk: Buffer) => {
      if (!started) {
        started = true;
        raw.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'transfer-encoding': 'chunked' });
      }
      await write(chunk);
    };
    // A follow may wait long for its first line: answer and flush the headers at once.
    if (opts.follow) {
      raw.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'transfer-encoding': 'chunked' });
      raw.flushHeaders();
      started = true;
    }
    try {
      await readContainerLog(
        source.logPath,
        opts,
        {
          clock: deps.clock,
          signal: ac.signal,
          ...(deps.logPollMs !== undefined ? { pollMs: deps.logPollMs } : {}),
          isRunning: async () => {
            try {
              return (await deps.runtime.containerStatus(source.containerId)).state === 'CONTAINER_RUNNING';
            } catch {
              return false;
            }
          },
        },
        sink,
      );
      if (!started) raw.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      raw.end();
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (started) {
        raw.end();
        return;
      }
      const message = e.code === 'ENOENT' ? `failed to try resolving symlinks in path "${source.logPath}": lstat ${source.logPath}: no such file or directory` : `failed to read log file "${source.logPath}": ${e.message}`;
      const body = Buffer.from(message);
      raw.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
      raw.end(body);
    }
  };
}
