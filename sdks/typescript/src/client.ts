/**
 * The client: openapi-fetch over the generated `/v1` paths, authenticated with a key, sent through the
 * retrying transport. Every call is typed by the contract: `hissuno.GET("/v1/sessions/{sessionId}", ...)`.
 */
import createClient, { type Client } from "openapi-fetch";

import { HissunoError } from "./errors.js";
import { DEFAULT_BASE_URL } from "./generated/contract.js";
import type { paths } from "./generated/v1.js";
import { RetryPolicy, type RetryOptions } from "./retry.js";
import { createTransport, type Fetch } from "./transport.js";

export type Hissuno = Client<paths>;

export interface HissunoOptions {
  /** A `hss_...` key; defaults to `HISSUNO_API_KEY`. */
  apiKey?: string;
  /** Where the API lives; defaults to `HISSUNO_BASE_URL`, then the contract's first server. */
  baseUrl?: string;
  /** Longest wait for one attempt's answer (default 30 s). */
  timeoutMs?: number;
  retry?: RetryOptions | RetryPolicy;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** The `fetch` underneath (default `globalThis.fetch`). */
  fetch?: Fetch;
  /** How to wait between attempts (tests pass a clock of their own). */
  sleep?: (ms: number) => Promise<void>;
}

export function createHissuno(options: HissunoOptions = {}): Hissuno {
  const apiKey = options.apiKey ?? environment("HISSUNO_API_KEY");
  if (!apiKey) throw new HissunoError("No API key: pass apiKey or set HISSUNO_API_KEY.");
  const baseUrl = (options.baseUrl ?? environment("HISSUNO_BASE_URL") ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  const retry = options.retry instanceof RetryPolicy ? options.retry : new RetryPolicy(options.retry);
  return createClient<paths>({
    baseUrl,
    headers: { ...options.headers, Authorization: `Bearer ${apiKey}` },
    fetch: createTransport({ fetch: options.fetch, retry, timeoutMs: options.timeoutMs, sleep: options.sleep }),
  });
}

/** The data of a call's answer; errors were thrown by the transport already. */
export async function unwrap<T>(pending: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data } = await pending;
  return data as T;
}

function environment(name: string): string | undefined {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  return value === "" ? undefined : value;
}
