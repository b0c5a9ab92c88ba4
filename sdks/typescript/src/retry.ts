/**
 * Retries: a 429 is sent again after its `Retry-After`; a 5xx or a lost connection is sent again after an
 * exponential backoff when the method is idempotent. Both within a budget of attempts and of seconds waited.
 */
import { retryAfterSeconds } from "./errors.js";

export interface RetryOptions {
  /** Attempts after the first one (default 2; 0 turns retries off). */
  maxRetries?: number;
  /** Most seconds one call may spend waiting in all (default 60); a longer `Retry-After` surfaces the error. */
  maxWaitSeconds?: number;
  /** First backoff for a 5xx or a lost connection, doubled on each retry up to 8 s (default 0.5). */
  backoffSeconds?: number;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
const MAX_BACKOFF_SECONDS = 8;

export class RetryPolicy {
  readonly maxRetries: number;
  readonly maxWaitSeconds: number;
  readonly backoffSeconds: number;

  constructor(options: RetryOptions = {}) {
    this.maxRetries = options.maxRetries ?? 2;
    this.maxWaitSeconds = options.maxWaitSeconds ?? 60;
    this.backoffSeconds = options.backoffSeconds ?? 0.5;
  }

  /**
   * Seconds to wait before retry number `retry` (from 1), or undefined to stop and surface the outcome.
   * `status` is undefined when no answer came (a lost connection or a timeout).
   */
  delay(method: string, status: number | undefined, headers: Headers, retry: number, waitedSeconds: number): number | undefined {
    if (retry > this.maxRetries || !this.retryable(method, status)) return undefined;
    const announced = retryAfterSeconds(headers);
    const wait = announced ?? this.backoff(retry);
    return waitedSeconds + wait <= this.maxWaitSeconds ? wait : undefined;
  }

  /** A 429 changed nothing on the server, so any method may be sent again; anything else only if idempotent. */
  retryable(method: string, status: number | undefined): boolean {
    if (status === 429) return true;
    return (status === undefined || status >= 500) && IDEMPOTENT.has(method.toUpperCase());
  }

  backoff(retry: number): number {
    return Math.min(MAX_BACKOFF_SECONDS, this.backoffSeconds * 2 ** (retry - 1));
  }
}
