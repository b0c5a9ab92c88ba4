// A frontend's view of the contract: openapi-fetch typed by openapi-typescript's output for /v1, run against a
// live mock. `tsc` type-checks this file against the generated types before it runs, so a contract change that
// breaks a typical client breaks `make smoke` twice: at compile time and at run time.
// Environment: SMOKE_BASE_URL, SMOKE_KEY (a standard key), SMOKE_LIMITED_KEY (a key of the plan the run limited),
// SMOKE_LIMIT (that plan's limit per window).
import createClient from "openapi-fetch";
import type { components, paths } from "./.work/v1.js";

type Session = components["schemas"]["Session"];
type SessionDetail = components["schemas"]["SessionDetail"];

const baseUrl = required("SMOKE_BASE_URL");
const key = required("SMOKE_KEY");
const limitedKey = required("SMOKE_LIMITED_KEY");
const limit = Number(required("SMOKE_LIMIT"));

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function clientFor(token: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
}

async function listSessions(): Promise<Session[]> {
  const { data, error, response } = await clientFor(key).GET("/v1/sessions", { params: { query: { limit: 5 } } });
  check(response.status === 200 && data, `list: expected 200, got ${response.status} ${JSON.stringify(error)}`);
  check(data.data.length <= 5 && data.limit === 5 && data.total >= data.data.length, "list: bad page envelope");
  check(response.headers.get("X-RateLimit-Limit") !== null, "list: no X-RateLimit-Limit header");
  return data.data;
}

async function createSession(message: string): Promise<SessionDetail> {
  const { data, error, response } = await clientFor(key).POST("/v1/sessions", {
    body: { customer_email: "smoke@example.com", message, tags: ["bug"] },
  });
  check(response.status === 201 && data, `create: expected 201, got ${response.status} ${JSON.stringify(error)}`);
  check(/^sess_[a-z0-9]+$/.test(data.id), `create: bad id ${data.id}`);
  check(data.source === "api" && data.status === "active", "create: not an active api session");
  check(response.headers.get("Location")?.endsWith(data.id), "create: Location does not point at the session");
  return data;
}

async function getSession(sessionId: string, message: string): Promise<void> {
  const { data, error, response } = await clientFor(key).GET("/v1/sessions/{sessionId}", {
    params: { path: { sessionId } },
  });
  check(response.status === 200 && data, `get: expected 200, got ${response.status} ${JSON.stringify(error)}`);
  check(data.id === sessionId, "get: another session came back");
  check(data.messages[0]?.content === message, "get: the first message is not the one sent");
}

async function unknownKeyGets401(): Promise<void> {
  const { data, error, response } = await clientFor("hss_notakey000000000000000000000").GET("/v1/sessions");
  check(response.status === 401 && !data, `401: expected 401, got ${response.status}`);
  check(typeof error?.error === "string" && error.error.endsWith("."), "401: body is not {error: '...'}");
}

async function limitedKeyGets429(): Promise<void> {
  const client = clientFor(limitedKey);
  for (let attempt = 1; attempt <= limit + 1; attempt++) {
    const { error, response } = await client.GET("/v1/sessions", { params: { query: { limit: 1 } } });
    if (response.status === 429) {
      check(attempt === limit + 1, `429: came after ${attempt - 1} requests, the limit is ${limit}`);
      check(/^\d+$/.test(response.headers.get("Retry-After") ?? ""), "429: Retry-After is not an integer");
      check(typeof error?.error === "string", "429: body is not {error: '...'}");
      return;
    }
    check(response.status === 200, `429: expected 200 before the limit, got ${response.status}`);
  }
  throw new Error(`429: still no 429 after ${limit + 1} requests`);
}

async function main(): Promise<void> {
  const message = `Typed client smoke ${Date.now()}`;
  const steps: Array<[string, () => Promise<unknown>]> = [
    ["list", listSessions],
    ["create + get", async () => getSession((await createSession(message)).id, message)],
    ["401", unknownKeyGets401],
    ["429", limitedKeyGets429],
  ];
  for (const [name, step] of steps) {
    await step();
    console.log(`typescript ok: ${name}`);
  }
}

main().catch((failure: unknown) => {
  console.error(`typescript FAILED: ${failure instanceof Error ? failure.message : String(failure)}`);
  process.exit(1);
});
