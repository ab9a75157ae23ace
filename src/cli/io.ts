// What a CLI command may do to the outside world besides its files: print lines. Tests capture it.
import { readFileSync } from 'node:fs';
import type { Notice } from '../sa/index.ts';

export interface CliIo {
  log(line: string): void;
  err(line: string): void;
  readText(path: string): string;
}

export const consoleIo: CliIo = {
  log: (l) => console.log(l),
  err: (l) => console.error(l),
  readText: (p) => readFileSync(p, 'utf8'),
};

/** A capturing io for tests: every printed line, stdout and stderr together. */
export function memoryIo(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (l) => void lines.push(l), err: (l) => void lines.push(l), readText: consoleIo.readText };
}

export function printNotices(io: CliIo, notices: readonly Notice[]): void {
  for (const n of notices) io.err(`notice: ${n.message}${n.path && !n.message.includes(n.path) ? ` (${n.path})` : ''}`);
}

export const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
