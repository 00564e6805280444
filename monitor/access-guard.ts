// Who may talk to the monitor: on loopback only pages served from a loopback name (DNS-rebinding defence), sockets
// only from the page's own origin, and with a token only holders of it. One policy for HTTP and socket.io.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { TransferscopeError } from '../core/errors.ts';

export interface AccessPolicy {
  /** Bound to a loopback address: refuse requests whose Host is not a loopback name. */
  loopbackOnly: boolean;
  /** When set, /api/* and the socket require it (`Authorization: Bearer`, socket.io `auth.token`). */
  token: string | null;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Whether `host` (a bind address or a Host header's name, without port) is loopback: localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return LOOPBACK_NAMES.has(name) || /^127(\.\d{1,3}){3}$/.test(name);
}

/** The name part of a Host header (`localhost:4640`, `[::1]:4640`, `example.org`); '' when absent. */
export function hostName(hostHeader: string | undefined): string {
  const host = (hostHeader ?? '').trim().toLowerCase();
  if (host.startsWith('[')) {
    return host.slice(0, host.indexOf(']') + 1);
  }
  return host.replace(/:\d*$/, '');
}

/** Refuses a token that cannot travel in a header unchanged; returns it otherwise. */
export function validateToken(token: string, source: string): string {
  if (!/^[\x21-\x7e]{8,256}$/.test(token)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Invalid ${source}: use 8-256 printable ASCII characters without spaces.`);
  }
  return token;
}

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) {
    return false;
  }
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  // Constant time, so response timing does not reveal how much of a guess was right.
  return a.length === b.length && timingSafeEqual(a, b);
}

// <img> requests cannot carry an Authorization header: a successful bearer request sets this cookie for them.
// SameSite=Strict and HttpOnly keep it out of other sites' requests and out of page scripts.
const TOKEN_COOKIE = 'transferscope_token';

const bearer = (authorization: string | undefined): string | undefined => /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];

/** Hono middleware for every path: the Host check. */
export function hostGuard(policy: AccessPolicy): MiddlewareHandler {
  return async (c, next) => {
    if (policy.loopbackOnly && !isLoopbackHost(new URL(c.req.url).hostname)) {
      throw new TransferscopeError(
        'FORBIDDEN',
        'This monitor listens on loopback and answers only to localhost, 127.0.0.1 or [::1]. Open it under one of those names.',
      );
    }
    await next();
  };
}

/** Hono middleware for /api/*: the bearer token (or the cookie it set), when the policy has one. */
export function tokenGuard(policy: AccessPolicy): MiddlewareHandler {
  return async (c, next) => {
    const token = policy.token;
    if (token === null) {
      return next();
    }
    const header = bearer(c.req.header('authorization'));
    if (sameToken(header, token)) {
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/api' });
    } else if (!sameToken(getCookie(c, TOKEN_COOKIE), token)) {
      throw new TransferscopeError(
        'UNAUTHORIZED',
        'This monitor requires its access token: send `Authorization: Bearer <token>`, or open the dashboard URL with ?token=<token>.',
      );
    }
    await next();
  };
}

/**
 * socket.io's `allowRequest` check of a handshake: a loopback Host when the policy asks for it, and an Origin that is
 * absent (not a browser) or the same host and port as the Host header. Answers the refusal's reason, or null.
 */
export function socketRefusal(request: IncomingMessage, policy: AccessPolicy): string | null {
  const host = request.headers.host;
  if (policy.loopbackOnly && !isLoopbackHost(hostName(host))) {
    return 'host is not a loopback name';
  }
  const origin = request.headers.origin;
  if (origin === undefined) {
    return null;
  }
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return 'origin is not a URL';
  }
  return originHost.toLowerCase() === (host ?? '').toLowerCase() ? null : 'origin differs from the page';
}

/** Whether a socket's handshake `auth` carries the policy's token (always true without one). */
export function socketAuthorized(auth: unknown, policy: AccessPolicy): boolean {
  if (policy.token === null) {
    return true;
  }
  const given = typeof auth === 'object' && auth !== null && 'token' in auth && typeof auth.token === 'string' ? auth.token : undefined;
  return sameToken(given, policy.token);
}
