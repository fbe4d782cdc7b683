/**
 * Writes events as JSON lines to a file through a buffered synchronous writer: the run loop is
 * synchronous, and batching ~1 MB per write keeps a long run's I/O cost small.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export class JsonLinesWriter {
  private readonly fd: number;
  private chunks: string[] = [];
  private size = 0;

  constructor(
    path: string,
    private readonly flushBytes = 1 << 20,
  ) {
    this.fd = openSync(path, 'w');
  }

  write(value: unknown): void {
    const line = JSON.stringify(value) + '\n';
    this.chunks.push(line);
    this.size += line.length;
    if (this.size >= this.flushBytes) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
