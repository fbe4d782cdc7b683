/**
 * One place that turns every failure into the catalogue's body
 * `{ error: { code, message, field?, rule?, details? } }`: schema violations (400, naming the field
 * and rule), Fastify's parser errors (bad JSON, empty body, too large, media type), rate limiting,
 * and unexpected errors (500, logged, no internals leaked).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, apiError } from '../errors.js';
import { fromDomainError } from './domain-errors.js';
import { codeForStatus } from './error-shape.js';
import { QUOTA_RETRY_AFTER_S } from './limits.js';

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/config/seed` + context → "config.seed"; required/additional errors point at the named key. */
function fieldOf(issue: AjvIssue): string {
  const parts = (issue.instancePath ?? '').split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const p = issue.params ?? {};
  if (issue.keyword === 'required' && typeof p.missingProperty === 'string') parts.push(p.missingProperty);
  if (issue.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string') parts.push(p.additionalProperty);
  if (issue.keyword === 'propertyNames' && typeof p.propertyName === 'string') parts.push(p.propertyName);
  return parts.join('.');
}

function describe(issue: AjvIssue): string {
  const p = issue.params ?? {};
  switch (issue.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not an allowed field';
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[] | undefined)?.map((v) => JSON.stringify(v)).join(', ') ?? 'the allowed values'}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    default:
      return issue.message ?? 'is invalid';
  }
}

export function validationError(issues: AjvIssue[], context: string | undefined): ApiError {
  const first = issues[0] ?? {};
  const field = fieldOf(first);
  // A union of literals (e.g. mode) fails as anyOf after each const; report the choices.
  let rule = first.keyword ?? 'schema';
  let text = describe(first);
  const consts = issues.filter((i) => i.keyword === 'const' && fieldOf(i) === field).map((i) => JSON.stringify(i.params?.allowedValue));
  if (consts.length > 1) {
    rule = 'enum';
    text = `must be one of ${consts.join(', ')}`;
  }
  const where = context ? `${context}${field ? '.' : ''}${field}` : field || '(root)';
  return new ApiError('CA_ERR_VALIDATION', `${where} ${text}`, {
    field: field || context || '(root)',
    rule,
    details: issues.map((i) => ({ field: fieldOf(i), rule: i.keyword, message: describe(i) })),
  });
}

export function toApiError(err: FastifyError | ApiError | Error, bodyLimit: number, request?: FastifyRequest): ApiError {
  if (err instanceof ApiError) return err;
  const domain = fromDomainError(err);
  if (domain) return domain;
  const fe = err as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
  if (fe.validation) {
    if (fe.validationContext === 'body' && request && request.body === undefined) return apiError('CA_ERR_EMPTY_BODY');
    return validationError(fe.validation, fe.validationContext);
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return apiError('CA_ERR_BAD_JSON', fe.message.replace(/^Body is not valid JSON but content-type is set to 'application\/json'$/, 'parse failed'));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return apiError('CA_ERR_EMPTY_BODY');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return apiError('CA_ERR_BODY_TOO_LARGE', String(bodyLimit));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return apiError('CA_ERR_UNSUPPORTED_MEDIA_TYPE', JSON.stringify(fe.message.replace(/^Unsupported Media Type: ?/, '') || 'unknown'));
    default:
      break;
  }
  if (err instanceof SyntaxError && fe.statusCode === 400) return apiError('CA_ERR_BAD_JSON', err.message);
  if (fe.statusCode === 429) return new ApiError('CA_ERR_RATE_LIMITED', fe.message);
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.statusCode === 403) return new ApiError('CA_ERR_FORBIDDEN', `the path ${JSON.stringify((request?.url ?? '').split('?')[0]?.slice(0, 200))} is not allowed (it is malformed or leaves the served directory)`);
    return new ApiError(fe.statusCode === 400 ? 'CA_ERR_VALIDATION' : codeForStatus(fe.statusCode), fe.message);
  }
  return apiError('CA_ERR_INTERNAL', fe.code ?? err.name);
}

export function makeErrorHandler(bodyLimit: number) {
  return function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
    const api = toApiError(err, bodyLimit, request);
    if (api.statusCode >= 500) request.log.error({ err }, 'request failed');
    else request.log.debug({ code: api.code, message: api.message }, 'request refused');
    if (api.code === 'CA_ERR_RATE_LIMITED' && !reply.hasHeader('retry-after')) reply.header('retry-after', '1');
    if (api.code === 'CA_ERR_LIMIT_REACHED') reply.header('retry-after', String(QUOTA_RETRY_AFTER_S));
    void reply.code(api.statusCode).type('application/json; charset=utf-8').send(api.toBody());
  };
}
