/**
 * A local HTTP server for jsdom tests of the API helpers and the forms built on them: the tests
 * read what the dashboard puts on the wire (headers, bodies) and answer the way the real server's
 * routes do. The real server itself is exercised by the Chromium suites in e2e/.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, vi } from 'vitest';

/** Registers beforeAll/afterAll: `handler` listens on a free port, and the app's API URL points at it. */
export function useLocalApi(handler: http.RequestListener): void {
  let server: http.Server;
  beforeAll(async () => {
    server = http.createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    // endpoints() reads this on first use; the page's own origin (jsdom's) serves no API
    vi.stubEnv('VITE_API_URL', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await new Promise((r) => server.close(r));
  });
}
