// Rewrites README.md's generated "API reference" block from the served OpenAPI document
// (`npm run docs:api`; needs `npm run build`). server/test/api-reference.test.ts checks it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startServer } from '@crowdalpha/server';
import { renderApiReference, withApiReference } from '@crowdalpha/server/api-reference';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-api-doc-'));
const server = await startServer(
  { port: 0, databaseUrl: `sqlite:${path.join(dir, 'db')}`, autostart: false, sandbox: false, webDist: '', logLevel: 'silent', rateLimitMax: 0 },
  { logger: pino({ level: 'silent' }), env: {}, listen: false },
);
try {
  const readme = path.resolve(import.meta.dirname, '..', 'README.md');
  const next = withApiReference(fs.readFileSync(readme, 'utf8'), renderApiReference(server.app.swagger()));
  fs.writeFileSync(readme, next);
  console.log('README.md API reference updated');
} finally {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
