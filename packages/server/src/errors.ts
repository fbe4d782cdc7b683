/**
 * The error catalogue: every error the API can return, declared once with a stable code, an HTTP
 * status and a message template. Responses always have the shape
 * `{ "error": { "code", "message", "field"?, "rule"?, "details"? } }`.
 */

export interface ErrorSpec {
  status: number;
  /** `%s` placeholders are filled in order by `apiError(code, ...args)`. */
  template: string;
}

export const ERRORS = {
  CA_ERR_VALIDATION: { status: 400, template: '%s' },
  CA_ERR_BAD_REQUEST: { status: 400, template: '%s' },
  CA_ERR_BAD_JSON: { status: 400, template: 'request body is not valid JSON: %s' },
  CA_ERR_EMPTY_BODY: { status: 400, template: 'request body is empty; send a JSON object with Content-Type: application/json' },
  CA_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, template: 'unsupported Content-Type %s; send application/json' },
  CA_ERR_BODY_TOO_LARGE: { status: 413, template: 'request body is larger than the %s-byte limit' },
  CA_ERR_ROUTE_NOT_FOUND: { status: 404, template: 'no route %s %s; see /docs for the API' },
  CA_ERR_NOT_FOUND: { status: 404, template: '%s %s not found' },
  CA_ERR_NO_TICK_YET: { status: 404, template: 'the market has not completed its first tick yet; retry shortly or subscribe to /ws/market' },
  CA_ERR_UNKNOWN_STRATEGY: { status: 400, template: 'unknown strategy type %s; valid types are %s' },
  CA_ERR_BAD_AGENT_CONFIG: { status: 400, template: '%s' },
  CA_ERR_MODEL_INVALID: { status: 400, template: 'the model cannot be used: %s' },
  CA_ERR_AGENT_EXISTS: { status: 409, template: 'agent id %s is already taken; choose another agent_id or omit it to get a generated one' },
  CA_ERR_STRATEGY_INVALID: { status: 400, template: 'strategy %s was refused: %s' },
  CA_ERR_STRATEGY_EXISTS: { status: 409, template: 'a strategy named %s is registered by another owner (%s); pick another strategy_name, or register it with that owner to add a version' },
  CA_ERR_SANDBOX_UNAVAILABLE: { status: 501, template: 'user strategies are not available on this server: %s' },
  CA_ERR_PYTHON_UNAVAILABLE: { status: 422, template: 'Python strategies are not available on this server: %s; TypeScript strategies are' },
  CA_ERR_SUBMISSION_STATE: { status: 400, template: "submission %s is in status '%s' and cannot be approved; only pending or approved submissions can" },
  CA_ERR_MARKET_CONFIG: { status: 400, template: '%s' },
  CA_ERR_EXPERIMENT_SPEC: { status: 400, template: '%s' },
  CA_ERR_EXPERIMENTS_UNAVAILABLE: { status: 501, template: 'experiments are not available on this server: start it with `crowdalpha serve` (which brings the experiment runner)' },
  CA_ERR_UNAUTHORIZED: {
    status: 401,
    template: "this is an operator endpoint: send the header 'Authorization: Bearer <token>' with the token the server was started with (CROWDALPHA_ADMIN_TOKEN); %s",
  },
  CA_ERR_FORBIDDEN: { status: 403, template: '%s' },
  CA_ERR_AGENT_STOPPED: { status: 409, template: 'agent %s is already silenced (%s); only an active agent can be stopped' },
  CA_ERR_LIMIT_REACHED: { status: 429, template: '%s' },
  CA_ERR_RATE_LIMITED: { status: 429, template: 'rate limit exceeded: at most %s requests per %s ms; retry in %s ms' },
  CA_ERR_UNAVAILABLE: { status: 503, template: '%s' },
  CA_ERR_INTERNAL: { status: 500, template: 'internal error (%s); the server logged the details' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    field?: string;
    rule?: string;
    details?: unknown;
  };
}

/** An error a route throws on purpose; the error handler turns it into its catalogued response. */
export class ApiError extends Error {
  readonly statusCode: number;
  field?: string;
  rule?: string;
  details?: unknown;
  constructor(
    readonly code: ErrorCode,
    message: string,
    extra: { field?: string; rule?: string; details?: unknown } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = ERRORS[code].status;
    if (extra.field !== undefined) this.field = extra.field;
    if (extra.rule !== undefined) this.rule = extra.rule;
    if (extra.details !== undefined) this.details = extra.details;
  }

  /** Attach the offending field (and rule) to the response. */
  at(field: string, rule?: string): this {
    this.field = field;
    if (rule !== undefined) this.rule = rule;
    return this;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { error: { code: this.code, message: this.message } };
    if (this.field !== undefined) body.error.field = this.field;
    if (this.rule !== undefined) body.error.rule = this.rule;
    if (this.details !== undefined) body.error.details = this.details;
    return body;
  }
}

export function formatTemplate(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%s/g, () => {
    const a = args[i++];
    return typeof a === 'string' ? a : JSON.stringify(a);
  });
}

/** `apiError('CA_ERR_NOT_FOUND', 'agent', 'mom_9')` → 404 "agent mom_9 not found". */
export function apiError(code: ErrorCode, ...args: unknown[]): ApiError {
  return new ApiError(code, formatTemplate(ERRORS[code].template, args));
}
