/**
 * Typed errors: one class per HTTP status the contract declares, each carrying the `{"error"}` message and, on
 * 422, the `details` per field. A status missing from {@link ERRORS_BY_STATUS} still raises an
 * {@link APIStatusError} (a {@link ServerError} for 5xx).
 */
import type { components } from "./generated/v1.js";

type ErrorBody = components["schemas"]["Error"];
export type FieldError = NonNullable<ErrorBody["details"]>[number];

/** Everything this SDK throws. */
export class HissunoError extends Error {
  override name = "HissunoError";
}

/** No answer: the connection failed or broke. */
export class APIConnectionError extends HissunoError {
  override name = "APIConnectionError";
}

/** No answer within the client's timeout. */
export class APITimeoutError extends APIConnectionError {
  override name = "APITimeoutError";
}

/** The API answered with a 4xx or 5xx status. */
export class APIStatusError extends HissunoError {
  override name = "APIStatusError";
  /** The `error` sentence of the body. */
  readonly error: string;
  /** What was wrong with each field (422), else empty. */
  readonly details: FieldError[];

  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Headers,
  ) {
    const error = errorSentence(status, body);
    super(`${status}: ${error}`);
    this.error = error;
    this.details = fieldErrors(body);
  }
}

export class BadRequestError extends APIStatusError {
  override name = "BadRequestError";
}
export class AuthenticationError extends APIStatusError {
  override name = "AuthenticationError";
}
export class PermissionDeniedError extends APIStatusError {
  override name = "PermissionDeniedError";
}
export class NotFoundError extends APIStatusError {
  override name = "NotFoundError";
}
export class ConflictError extends APIStatusError {
  override name = "ConflictError";
}
export class PayloadTooLargeError extends APIStatusError {
  override name = "PayloadTooLargeError";
}
export class UnprocessableEntityError extends APIStatusError {
  override name = "UnprocessableEntityError";
}
export class RateLimitError extends APIStatusError {
  override name = "RateLimitError";
  /** Seconds to wait before the next request, from `Retry-After`. */
  get retryAfter(): number | undefined {
    return retryAfterSeconds(this.headers);
  }
}
/** Any 5xx. */
export class ServerError extends APIStatusError {
  override name = "ServerError";
}
export class InternalServerError extends ServerError {
  override name = "InternalServerError";
}
export class ServiceUnavailableError extends ServerError {
  override name = "ServiceUnavailableError";
  /** Seconds to wait before the next request, from `Retry-After`. */
  get retryAfter(): number | undefined {
    return retryAfterSeconds(this.headers);
  }
}
/** The project has created as many documents of the kind as the server keeps. */
export class InsufficientStorageError extends ServerError {
  override name = "InsufficientStorageError";
}

type StatusErrorClass = new (status: number, body: unknown, headers: Headers) => APIStatusError;

/** The one mapping from a status to its error class; a status the contract adds needs one line here. */
export const ERRORS_BY_STATUS: Readonly<Record<number, StatusErrorClass>> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  500: InternalServerError,
  503: ServiceUnavailableError,
  507: InsufficientStorageError,
};

/** The typed error for an answer with a 4xx or 5xx status. */
export function errorFromResponse(status: number, body: unknown, headers: Headers): APIStatusError {
  const errorClass = ERRORS_BY_STATUS[status] ?? (status >= 500 ? ServerError : APIStatusError);
  return new errorClass(status, body, headers);
}

/** `Retry-After` in seconds (delta-seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterSeconds(headers: Headers): number | undefined {
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

function errorSentence(status: number, body: unknown): string {
  if (isRecord(body) && typeof body["error"] === "string") return body["error"];
  return typeof body === "string" && body ? `HTTP ${status}: ${body.slice(0, 200)}` : `HTTP ${status}`;
}

function fieldErrors(body: unknown): FieldError[] {
  const details = isRecord(body) ? body["details"] : undefined;
  return Array.isArray(details) ? (details as FieldError[]) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
