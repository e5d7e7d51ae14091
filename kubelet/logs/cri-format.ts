// The CRI container log format, written by the runtime and read by the kubelet's log server
// (k8s.io/cri-api … /kuberuntime/logs): one line per chunk,
//   `<RFC3339Nano timestamp> <stdout|stderr> <F|P> <content>`
// where P marks a partial line continued by the next entry and F a full one.

export type LogStream = 'stdout' | 'stderr';

export interface CriLogLine {
  /** RFC3339 with nanoseconds, as written. */
  time: string;
  stream: LogStream;
  partial: boolean;
  content: string;
}

/** RFC3339Nano from epoch milliseconds (nanoseconds padded from ms, like Go's time.Format). */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-12-05T12:00:00.123Z
  return `${iso.slice(0, 23)}000000Z`;
}

export function formatCriLine(line: CriLogLine): string {
  return `${line.time} ${line.stream} ${line.partial ? 'P' : 'F'} ${line.content}\n`;
}

/** Null for a torn or foreign line: a log reader skips it rather than failing the stream. */
export function parseCriLine(text: string): CriLogLine | null {
  const a = text.indexOf(' ');
  if (a <= 0) return null;
  const b = text.indexOf(' ', a + 1);
  if (b < 0) return null;
  const stream = text.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return null;
  const tag = text.slice(b + 1, b + 2);
  if (tag !== 'F' && tag !== 'P') return null;
  if (text.length > b + 2 && text[b + 2] !== ' ') return null;
  const time = text.slice(0, a);
  if (Number.isNaN(Date.parse(time))) return null;
  return { time, stream, partial: tag === 'P', content: text.slice(b + 3) };
}
