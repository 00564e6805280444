// REST requests to the monitor (same origin), turning failures into one readable line for the views.
import type { ApiError } from '../../core/protocol.ts';

/** A failed request. `message` is the server's own `error.message` when it sent one. */
export class ApiRequestError extends Error {
  readonly code: string;
  /** HTTP status, 0 when the monitor could not be reached. */
  readonly status: number;

  constructor(code: string, status: number, message: string) {
    super(message);
    this.name = 'ApiRequestError';
    this.code = code;
    this.status = status;
  }
}

/** GETs a path's JSON; `signal` aborts the request (the view moved on), rejecting with its reason. */
export type FetchJson = (path: string, signal?: AbortSignal) => Promise<unknown>;

function isApiError(body: unknown): body is ApiError {
  if (typeof body !== 'object' || body === null || !('error' in body)) {
    return false;
  }
  const { error } = body;
  return typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string';
}

/**
 * GETs `path` and resolves with its parsed JSON body. Rejects with an ApiRequestError: on a network failure,
 * on a 4xx/5xx (carrying the server's `{ error: { code, message } }` when present), or on a body that isn't JSON;
 * with the signal's reason once `signal` aborts.
 */
export async function fetchJson(path: string, signal?: AbortSignal, fetchImpl: typeof fetch = fetch): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(path, { headers: { accept: 'application/json' }, signal });
  } catch (err) {
    if (signal?.aborted) {
      throw signal.reason;
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new ApiRequestError('NETWORK', 0, `Could not reach the monitor for ${path} (${reason}). Is it still running?`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (signal?.aborted) {
    throw signal.reason;
  }
  if (!response.ok) {
    if (isApiError(body)) {
      throw new ApiRequestError(body.error.code, response.status, body.error.message);
    }
    throw new ApiRequestError('HTTP', response.status, `${path} answered ${response.status} ${response.statusText}`.trim() + '.');
  }
  if (body === undefined) {
    throw new ApiRequestError('BAD_RESPONSE', response.status, `${path} answered with a body that is not JSON.`);
  }
  return body;
}

/** The line a view shows for a failed request. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
