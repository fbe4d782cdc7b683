/**
 * Lint of the deployment files (Docker is not available where the tests run, so the image is never
 * built here): the Dockerfile is multi-stage, runs as a non-root user, has a healthcheck, copies
 * only paths that exist and starts a binary the build produces; compose.yaml parses and wires the
 * app to PostgreSQL and Redis with healthchecks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
/** Instructions with their continuation lines joined. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

describe('Dockerfile', () => {
  it('is multi-stage, ends as a non-root user, and has a healthcheck on /health', () => {
    const froms = instructions.filter((l) => /^FROM /i.test(l));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const lastFrom = instructions.lastIndexOf(froms[froms.length - 1] as string);
    const users = instructions.slice(lastFrom).filter((l) => /^USER /i.test(l));
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^USER\s+(root|0)\b/i);
    expect(instructions.find((l) => /^HEALTHCHECK /i.test(l))).toMatch(/\/health/);
  });

  it('copies from the build context only paths that exist', () => {
    for (const line of instructions.filter((l) => /^COPY /i.test(l) && !/--from=/i.test(l))) {
      const parts = line.split(/\s+/).slice(1).filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) expect(fs.existsSync(path.join(root, src)), `${line}: ${src}`).toBe(true);
    }
  });

  it('starts the CLI the build compiles (packages/cli/src/bin.ts → dist/bin.js, command serve)', () => {
    const cmd = instructions.find((l) => /^CMD /i.test(l)) as string;
    const argv = JSON.parse(cmd.slice(4)) as string[];
    expect(argv[0]).toBe('node');
    expect(argv[1]).toBe('packages/cli/dist/bin.js');
    expect(fs.existsSync(path.join(root, 'packages/cli/src/bin.ts'))).toBe(true);
    expect(argv).toContain('serve');
  });
});

describe('compose.yaml', () => {
  const compose = parse(fs.readFileSync(path.join(root, 'compose.yaml'), 'utf8')) as Json;

  it('runs the app with PostgreSQL and Redis, each with a healthcheck, the app waiting for both', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'db', 'redis']);
    expect(compose.services.db.image).toMatch(/^postgres:/);
    expect(compose.services.redis.image).toMatch(/^redis:/);
    for (const s of ['app', 'db', 'redis']) expect(compose.services[s].healthcheck?.test, s).toBeDefined();
    expect(compose.services.app.depends_on).toEqual({ db: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    expect(compose.services.app.environment.DATABASE_URL).toMatch(/^postgres:\/\/crowdalpha:.*@db:5432\/crowdalpha$/);
    expect(compose.services.app.command.join(' ')).toContain('--redis redis://redis:6379');
    expect(compose.services.app.healthcheck.test.join(' ')).toContain('/ready');
    expect(compose.services.app.build).toBe('.');
  });

  it('publishes the app on loopback only (a TLS reverse proxy fronts it)', () => {
    expect(compose.services.app.ports).toEqual(['127.0.0.1:8000:8000']);
  });
});
