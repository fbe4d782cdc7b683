/**
 * Server options (defaults, env mapping, refusals) and the error catalogue, each checked against
 * the README's "Server & API" section so the documentation cannot drift from the code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENV_MAP, ServerConfigError, defaultServerOptions, resolveServerOptions } from '../src/config.js';
import { ApiError, ERRORS, apiError, formatTemplate } from '../src/errors.js';
import { toApiError } from '../src/http/error-handler.js';
import { v8FlagsFor } from '../src/v8-tuning.js';

const readme = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Server & API'));

describe('server options', () => {
  it('pins the issue and documented defaults', () => {
    expect(defaultServerOptions()).toMatchObject({
      port: 8000,
      databaseUrl: 'sqlite:./data/crowdalpha.db',
      tickDelayMs: 100,
      seed: 42,
      checkpointEvery: 100,
      snapshotEvery: 10,
      wsHeartbeatMs: 30_000,
      corsOrigins: '*',
      pythonPath: '/usr/bin/python3',
      publicReads: true,
      allowOpen: false,
    });
  });

  it('maps environment variables onto options, and explicit overrides win', () => {
    const o = resolveServerOptions({ seed: 9 }, { PORT: '0', CROWDALPHA_SEED: '7', CROWDALPHA_AUTOSTART: 'false', CROWDALPHA_RATE_LIMIT_ALLOWLIST: 'a, b', CROWDALPHA_MARKET_CONFIG: '{"eta":0.02}' });
    expect(o).toMatchObject({ port: 0, seed: 9, autostart: false, rateLimitAllowList: ['a', 'b'], marketConfig: { eta: 0.02 } });
  });

  it('refuses bad values naming the variable and the valid range', () => {
    expect(() => resolveServerOptions({}, { PORT: '99999' })).toThrow(new ServerConfigError('PORT', 'must be between 0 and 65535, got 99999'));
    expect(() => resolveServerOptions({}, { CROWDALPHA_TICK_DELAY_MS: 'fast' })).toThrow(/CROWDALPHA_TICK_DELAY_MS: must be a whole number, got "fast"/);
    expect(() => resolveServerOptions({}, { CROWDALPHA_AUTOSTART: 'maybe' })).toThrow(/must be true\/false/);
    expect(() => resolveServerOptions({}, { CROWDALPHA_MARKET_CONFIG: '[1]' })).toThrow(/must be a JSON object/);
    expect(() => resolveServerOptions({}, { CROWDALPHA_LOG_FORMAT: 'xml' })).toThrow(/auto, pretty or json/);
    expect(() => resolveServerOptions({ nope: 1 } as never, {})).toThrow(/unknown server option; valid options are port, host/);
  });

  it('turns V8 allocation-site pretenuring off in the server process unless CROWDALPHA_V8_PRETENURING=true', () => {
    expect(v8FlagsFor(defaultServerOptions())).toEqual(['--no-allocation-site-pretenuring']);
    expect(v8FlagsFor(resolveServerOptions({}, { CROWDALPHA_V8_PRETENURING: 'true' }))).toEqual([]);
    expect(() => resolveServerOptions({}, { CROWDALPHA_V8_PRETENURING: 'sometimes' })).toThrow(/CROWDALPHA_V8_PRETENURING: must be true\/false/);
  });

  it('leaves the operator token unset and metrics on by default', () => {
    expect(defaultServerOptions()).toMatchObject({ adminToken: null, metrics: true });
    expect(resolveServerOptions({}, { CROWDALPHA_ADMIN_TOKEN: '' }).adminToken).toBeNull();
  });

  it('reads the operator token and the metrics switch from the environment', () => {
    const token = 'a1b2c3d4e5f6a7b8c9d0';
    expect(resolveServerOptions({}, { CROWDALPHA_ADMIN_TOKEN: token, CROWDALPHA_METRICS: 'false' })).toMatchObject({ adminToken: token, metrics: false });
    expect(resolveServerOptions({ adminToken: '' }, { CROWDALPHA_ADMIN_TOKEN: token }).adminToken).toBeNull();
  });

  it('refuses a short or unsendable operator token without echoing it', () => {
    const short = 'hunter2';
    const refuse = (env: Record<string, string>, overrides = {}) => {
      try {
        resolveServerOptions(overrides, env);
      } catch (e) {
        return e as ServerConfigError;
      }
      throw new Error('accepted');
    };
    const e = refuse({ CROWDALPHA_ADMIN_TOKEN: short });
    expect(e.message).toBe('CROWDALPHA_ADMIN_TOKEN: must be 16 to 512 characters long, got 7 (e.g. the output of `openssl rand -hex 32`)');
    expect(e.message).not.toContain(short);
    expect(refuse({ CROWDALPHA_ADMIN_TOKEN: 'has a space in the middle of it' }).message).toMatch(/^CROWDALPHA_ADMIN_TOKEN: must be visible ASCII characters without spaces/);
    expect(refuse({}, { adminToken: short }).message).toMatch(/^adminToken: must be 16 to 512 characters long/);
    expect(refuse({ CROWDALPHA_METRICS: 'sometimes' }).message).toMatch(/^CROWDALPHA_METRICS: must be true\/false/);
  });

  it('documents every environment variable in the README', () => {
    for (const name of Object.keys(ENV_MAP)) expect(section, name).toContain(`\`${name}\``);
  });
});

describe('error catalogue', () => {
  it('gives every code an error status and a template', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^CA_ERR_[A-Z_]+$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.status).toBeLessThan(600);
      expect(spec.template.length).toBeGreaterThan(1);
    }
  });

  it('documents every code with its status in the README, and nothing else', () => {
    const documented = [...section.matchAll(/^\| `(CA_ERR_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(Object.entries(ERRORS).map(([c, s]) => [c, s.status])));
  });

  it('fills templates in order and carries the catalogued status', () => {
    const e = apiError('CA_ERR_NOT_FOUND', 'agent', 'mom_9').at('agent_id', 'exists');
    expect(e).toBeInstanceOf(ApiError);
    expect(e.statusCode).toBe(404);
    expect(e.toBody()).toEqual({ error: { code: 'CA_ERR_NOT_FOUND', message: 'agent mom_9 not found', field: 'agent_id', rule: 'exists' } });
    expect(formatTemplate('%s and %s', ['a', 2])).toBe('a and 2');
  });

  it('turns unexpected errors into CA_ERR_INTERNAL without leaking their message', () => {
    const e = toApiError(new Error('secret internals at /etc/x'), 1024);
    expect(e.code).toBe('CA_ERR_INTERNAL');
    expect(e.statusCode).toBe(500);
    expect(e.message).not.toContain('secret');
  });

  it('names the field and the rule of a schema violation', () => {
    const e = toApiError(Object.assign(new Error('x'), { validation: [{ instancePath: '/config/qty', keyword: 'type', message: 'must be number', params: {} }], validationContext: 'body' }), 1024);
    expect(e.toBody().error).toMatchObject({ code: 'CA_ERR_VALIDATION', message: 'body.config.qty must be number', field: 'config.qty', rule: 'type' });
    const req = toApiError(Object.assign(new Error('x'), { validation: [{ instancePath: '', keyword: 'required', message: "must have required property 'contact'", params: { missingProperty: 'contact' } }], validationContext: 'body' }), 1024);
    expect(req.toBody().error).toMatchObject({ message: 'body.contact is required', field: 'contact', rule: 'required' });
  });
});

describe('the optional config file (CROWDALPHA_CONFIG_FILE)', () => {
  const write = (content: string): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-config-'));
    const file = path.join(dir, 'crowdalpha.json');
    fs.writeFileSync(file, content);
    return file;
  };

  it('is read under the environment, with the same rules per setting', () => {
    const file = write(JSON.stringify({ PORT: 9100, CROWDALPHA_MAX_AGENTS: 42, CROWDALPHA_PUBLIC_READS: false }));
    const o = resolveServerOptions({}, { CROWDALPHA_CONFIG_FILE: file, PORT: '9200' });
    expect(o).toMatchObject({ port: 9200, maxAgents: 42, publicReads: false });
    expect(() => resolveServerOptions({}, { CROWDALPHA_CONFIG_FILE: write('{"PORT": 70000}') })).toThrow('PORT: must be between 0 and 65535, got 70000');
  });

  it("refuses a typo'd key, naming the valid ones, and a file that is not a JSON object", () => {
    expect(() => resolveServerOptions({}, { CROWDALPHA_CONFIG_FILE: write('{"CROWDALPHA_MAX_AGENT": 5}') })).toThrow(/CROWDALPHA_MAX_AGENT: unknown setting; valid settings are .*CROWDALPHA_MAX_AGENTS/);
    expect(() => resolveServerOptions({}, { CROWDALPHA_CONFIG_FILE: write('[1]') })).toThrow(/must hold a JSON object/);
    expect(() => resolveServerOptions({}, { CROWDALPHA_CONFIG_FILE: '/no/such/file.json' })).toThrow(/CROWDALPHA_CONFIG_FILE: cannot read/);
  });
});
