/**
 * The TypeScript SDK's layer without a server: retries and their budget, typed errors, the environment, the
 * user agent. Each attempt is answered by a fake `fetch`; waits go to a recording clock, never to a timer.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  APIConnectionError,
  APIStatusError,
  APITimeoutError,
  ERRORS_BY_STATUS,
  HissunoError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  RetryPolicy,
  ServerError,
  UnprocessableEntityError,
  VERSION,
  createHissuno,
  unwrap,
  type RetryOptions,
} from "../src/index.js";

const BUNDLE = JSON.parse(readFileSync(process.env.HISSUNO_SDK_BUNDLE ?? new URL("../../../v1.json", import.meta.url), "utf8"));
const SESSION = BUNDLE.components.examples.SessionCreated.value;

type Answer = Response | Error;

class Recorder {
  readonly requests: Request[] = [];
  readonly bodies: string[] = [];
  readonly waits: number[] = [];
  private readonly answers: (() => Answer)[];

  constructor(...answers: (() => Answer)[]) {
    this.answers = answers;
  }

  client(retry: RetryOptions = {}, timeoutMs?: number) {
    return createHissuno({
      apiKey: "hss_test",
      baseUrl: "http://api.test",
      retry,
      timeoutMs,
      fetch: async (request) => {
        this.requests.push(request);
        this.bodies.push(await request.text());
        const answer = this.answers[Math.min(this.requests.length, this.answers.length) - 1]!();
        if (answer instanceof Error) throw answer;
        return answer;
      },
      sleep: async (ms) => {
        this.waits.push(ms / 1000);
      },
    });
  }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
const error = (status: number, message = "Nope.", headers: Record<string, string> = {}) =>
  json(status, { error: message }, headers);
const ok = json(200, SESSION);

const getSession = (client: ReturnType<Recorder["client"]>) =>
  unwrap(client.GET("/v1/sessions/{sessionId}", { params: { path: { sessionId: "sess_1" } } }));
const createSession = (client: ReturnType<Recorder["client"]>) =>
  unwrap(client.POST("/v1/sessions", { body: { customer_email: "a@example.com", message: "x" } }));

test("a 429 is retried after exactly its Retry-After", async () => {
  const recorder = new Recorder(error(429, "Rate limit exceeded.", { "Retry-After": "7" }), ok);
  assert.equal((await getSession(recorder.client())).id, SESSION.id);
  assert.deepEqual(recorder.waits, [7]);
  assert.equal(recorder.requests.length, 2);
});

test("a 429 on a POST is retried too, with the same body", async () => {
  const recorder = new Recorder(error(429, "Slow down.", { "Retry-After": "2" }), json(201, SESSION));
  await createSession(recorder.client());
  assert.deepEqual(recorder.waits, [2]);
  assert.equal(recorder.bodies[0], recorder.bodies[1]);
  assert.deepEqual(JSON.parse(recorder.bodies[1]!), { customer_email: "a@example.com", message: "x" });
});

test("a Retry-After beyond the budget surfaces the 429 at once", async () => {
  const recorder = new Recorder(error(429, "Rate limit exceeded.", { "Retry-After": "120" }), ok);
  await assert.rejects(getSession(recorder.client({ maxWaitSeconds: 60 })), (caught: unknown) => {
    assert.ok(caught instanceof RateLimitError);
    assert.equal(caught.retryAfter, 120);
    return true;
  });
  assert.deepEqual(recorder.waits, []);
});

test("a 5xx on a GET backs off, then raises after the last retry", async () => {
  const recorder = new Recorder(error(503, "Unavailable."));
  await assert.rejects(getSession(recorder.client({ maxRetries: 3, backoffSeconds: 0.5 })), ServerError);
  assert.deepEqual(recorder.waits, [0.5, 1, 2]);
  assert.equal(recorder.requests.length, 4);
});

test("a 5xx on a POST is not retried", async () => {
  const recorder = new Recorder(error(500, "Internal server error."));
  await assert.rejects(createSession(recorder.client()), InternalServerError);
  assert.equal(recorder.requests.length, 1);
});

test("a lost connection on a GET is retried, then raised as a connection error", async () => {
  const recorder = new Recorder(() => new TypeError("fetch failed"));
  await assert.rejects(getSession(recorder.client({ maxRetries: 1, backoffSeconds: 0.25 })), APIConnectionError);
  assert.deepEqual(recorder.waits, [0.25]);
});

test("no answer within the timeout is a timeout error", async () => {
  const client = createHissuno({
    apiKey: "hss_test",
    baseUrl: "http://api.test",
    timeoutMs: 20,
    retry: { maxRetries: 0 },
    fetch: (request) =>
      new Promise((_, reject) => {
        const socket = setTimeout(() => reject(new Error("the timeout never fired")), 5000); // a pending socket
        request.signal.addEventListener("abort", () => (clearTimeout(socket), reject(request.signal.reason)));
      }),
  });
  await assert.rejects(getSession(client), APITimeoutError);
});

test("422 carries the error sentence and the details per field", async () => {
  const body = { error: "Validation failed.", details: [{ field: "customer_email", message: "not an email" }] };
  const recorder = new Recorder(json(422, body));
  await assert.rejects(createSession(recorder.client()), (caught: unknown) => {
    assert.ok(caught instanceof UnprocessableEntityError);
    assert.equal(caught.error, "Validation failed.");
    assert.deepEqual(caught.details, body.details);
    return true;
  });
});

test("a body that is not JSON still raises the status's error", async () => {
  const recorder = new Recorder(() => new Response("<html>gone</html>", { status: 404 }));
  await assert.rejects(getSession(recorder.client()), (caught: unknown) => {
    assert.ok(caught instanceof NotFoundError);
    assert.equal(caught.error, "HTTP 404: <html>gone</html>");
    return true;
  });
});

test("an undeclared status raises the generic error", async () => {
  const recorder = new Recorder(error(418, "Teapot."));
  await assert.rejects(getSession(recorder.client()), (caught: unknown) => {
    assert.equal((caught as Error).constructor, APIStatusError);
    return true;
  });
});

test("every status the contract declares has an error class of its own", () => {
  const declared = new Set<number>();
  for (const item of Object.values(BUNDLE.paths) as Record<string, { responses?: Record<string, unknown> }>[]) {
    for (const operation of Object.values(item)) {
      for (const status of Object.keys(operation.responses ?? {})) if (Number(status) >= 400) declared.add(Number(status));
    }
  }
  assert.ok(declared.size > 0);
  for (const status of declared) {
    assert.ok(ERRORS_BY_STATUS[status], `the contract declares ${status}: map it in src/errors.ts`);
  }
});

test("the key and base URL come from the environment", async () => {
  process.env.HISSUNO_API_KEY = "hss_fromenv";
  process.env.HISSUNO_BASE_URL = "http://env.test/";
  const seen: Request[] = [];
  try {
    const client = createHissuno({ fetch: async (request) => (seen.push(request), json(200, SESSION)()) });
    await getSession(client);
  } finally {
    delete process.env.HISSUNO_API_KEY;
    delete process.env.HISSUNO_BASE_URL;
  }
  assert.equal(seen[0]!.headers.get("Authorization"), "Bearer hss_fromenv");
  assert.equal(seen[0]!.url, "http://env.test/v1/sessions/sess_1");
});

test("no key anywhere is an error naming HISSUNO_API_KEY", () => {
  assert.throws(() => createHissuno({ baseUrl: "http://api.test" }), (caught: unknown) => {
    assert.ok(caught instanceof HissunoError);
    assert.match(caught.message, /HISSUNO_API_KEY/);
    return true;
  });
});

test("the user agent names the SDK version", async () => {
  const recorder = new Recorder(ok);
  await getSession(recorder.client());
  assert.match(recorder.requests[0]!.headers.get("User-Agent")!, new RegExp(`^hissuno-typescript/${VERSION}( |$)`));
});

test("a RetryPolicy can be passed as it is", () => {
  const policy = new RetryPolicy({ maxRetries: 5 });
  assert.equal(policy.delay("GET", 503, new Headers(), 6, 0), undefined);
  assert.equal(policy.delay("GET", 503, new Headers({ "Retry-After": "3" }), 1, 0), 3);
  assert.equal(policy.delay("POST", 503, new Headers(), 1, 0), undefined);
});
