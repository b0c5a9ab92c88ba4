/**
 * The `fetch` every call goes through: it adds the user agent, bounds each attempt by the timeout, retries as
 * the {@link RetryPolicy} says, and turns a final 4xx/5xx into its typed error.
 */
import { APIConnectionError, APITimeoutError, errorFromResponse } from "./errors.js";
import { VERSION } from "./generated/contract.js";
import { RetryPolicy } from "./retry.js";

export type Fetch = (request: Request) => Promise<Response>;

export interface TransportOptions {
  fetch?: Fetch;
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** How to wait between attempts (tests pass a clock of their own). */
  sleep?: (ms: number) => Promise<void>;
}

export const USER_AGENT = `hissuno-typescript/${VERSION}${runtime()}`;
export const DEFAULT_TIMEOUT_MS = 30_000;

export function createTransport(options: TransportOptions = {}): Fetch {
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const policy = options.retry ?? new RetryPolicy();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  return async (request: Request): Promise<Response> => {
    const body = request.body === null ? undefined : await request.arrayBuffer();
    let waited = 0;
    for (let retry = 1; ; retry++) {
      let response: Response | undefined;
      let failure: APIConnectionError | undefined;
      try {
        response = await send(attempt(request, body, timeoutMs));
      } catch (error) {
        if (request.signal.aborted) throw error; // the caller gave up: not ours to retry
        failure = connectionError(error, timeoutMs);
      }
      const failed = failure !== undefined || (response !== undefined && response.status >= 400);
      const wait = failed
        ? policy.delay(request.method, response?.status, response?.headers ?? new Headers(), retry, waited)
        : undefined;
      if (wait === undefined) {
        if (failure) throw failure;
        return raiseForStatus(response as Response);
      }
      await response?.body?.cancel();
      await sleep(wait * 1000);
      waited += wait;
    }
  };
}

function attempt(request: Request, body: ArrayBuffer | undefined, timeoutMs: number): Request {
  const headers = new Headers(request.headers);
  headers.set("User-Agent", USER_AGENT);
  return new Request(request.url, {
    method: request.method,
    headers,
    body,
    signal: AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]),
  });
}

async function raiseForStatus(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (a proxy's HTML page): the error keeps the text
  }
  throw errorFromResponse(response.status, body, response.headers);
}

function connectionError(error: unknown, timeoutMs: number): APIConnectionError {
  if (error instanceof Error && error.name === "TimeoutError") {
    return new APITimeoutError(`No answer within ${timeoutMs} ms.`, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new APIConnectionError(`The request failed: ${reason}.`, { cause: error });
}

function runtime(): string {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  return node ? ` node/${node}` : "";
}
