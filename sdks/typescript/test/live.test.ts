/**
 * The TypeScript SDK against a live mock (started by tests/sdks/test_typescript_sdk.py, which passes its URL in
 * HISSUNO_TEST_MOCK_URL and afterwards judges the 120 rate-limited calls from the mock's own log).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { APIStatusError, ERRORS_BY_STATUS, RateLimitError, createHissuno, paginate, unwrap, type RetryOptions } from "../src/index.js";

const MOCK = process.env.HISSUNO_TEST_MOCK_URL ?? "";
const BUNDLE = JSON.parse(readFileSync(process.env.HISSUNO_SDK_BUNDLE ?? new URL("../../../v1.json", import.meta.url), "utf8"));
const KEYS: Record<string, string> = MOCK
  ? Object.fromEntries(((await (await fetch(`${MOCK}/__mock/keys`)).json()) as { label: string; key: string }[]).map((k) => [k.label, k.key]))
  : {};
const SEEDED_SESSIONS = 10_000;
export const RATE_PROOF_CALLS = 120;

const client = (label: string, retry?: RetryOptions, headers?: Record<string, string>) =>
  createHissuno({ apiKey: KEYS[label] ?? label, baseUrl: MOCK, retry, headers });

test("paginate yields each of the 10,000 seeded sessions once", { skip: !MOCK && "no mock" }, async () => {
  const hissuno = client("bulk-standard");
  const ids: string[] = [];
  for await (const session of paginate((page) =>
    hissuno.GET("/v1/sessions", { params: { query: { ...page, show_archived: true } } }),
  )) {
    ids.push(session.id);
  }
  assert.equal(ids.length, SEEDED_SESSIONS);
  assert.equal(new Set(ids).size, SEEDED_SESSIONS);
});

test("create then get returns the created session", { skip: !MOCK && "no mock" }, async () => {
  const hissuno = client("work-standard");
  const created = await unwrap(
    hissuno.POST("/v1/sessions", { body: { customer_email: "jane@example.com", message: "How do I export?" } }),
  );
  const fetched = await unwrap(hissuno.GET("/v1/sessions/{sessionId}", { params: { path: { sessionId: created.id } } }));
  assert.equal(fetched.id, created.id);
  assert.equal(fetched.status, "active");
  assert.deepEqual(fetched.messages.map((message) => message.content), ["How do I export?"]);
});

// One way to provoke each status the contract declares; a status the contract adds needs one here.
const PROVOKE: Record<number, () => Promise<unknown>> = {
  400: () => client("work-standard").GET("/v1/sessions", { params: { query: { limit: 0 } } }),
  401: () => client("hss_notarealkey").GET("/v1/sessions"),
  403: () => client("work-read-only").POST("/v1/sessions", { body: { customer_email: "r@example.com", message: "no" } }),
  404: () => client("work-standard").GET("/v1/sessions/{sessionId}", { params: { path: { sessionId: "sess_doesnotexist" } } }),
  409: async () => {
    // The project's webhook cap (100; the Python proof may have filled it already), then one more.
    for (let n = 0; n < 100; n++) {
      await client("work-standard").POST("/v1/webhooks", { body: { url: `http://127.0.0.1:9/cap-ts-${n}`, events: ["session.created" as const] } });
    }
    return client("work-standard").POST("/v1/webhooks", { body: { url: "http://127.0.0.1:9/cap-ts-last", events: ["session.created" as const] } });
  },
  413: () =>
    client("work-standard").POST("/v1/sessions", { body: { customer_email: "big@example.com", message: "x".repeat(6 * 1024 * 1024) } }),
  422: () => client("work-standard").POST("/v1/sessions", { body: { customer_email: "not-an-email", message: "hi" } }),
  429: () => {
    const hissuno = client("free-429-typescript", { maxRetries: 0 }); // 40 at once where the plan allows 30 a second
    return Promise.all(Array.from({ length: 40 }, () => hissuno.GET("/v1/issues", { params: { query: { limit: 1 } } })));
  },
  500: () => client("work-standard", { backoffSeconds: 0.05 }, { Prefer: "code=500" }).GET("/v1/issues"),
  503: () => client("work-standard", { maxRetries: 0 }, { Prefer: "code=503" }).GET("/v1/issues"),
  507: () =>
    client("work-standard", {}, { Prefer: "code=507" }).POST("/v1/sessions", { body: { customer_email: "f@example.com", message: "full" } }),
};

const declared = new Set<number>();
for (const item of Object.values(BUNDLE.paths) as Record<string, { responses?: Record<string, unknown> }>[]) {
  for (const operation of Object.values(item)) {
    for (const status of Object.keys(operation.responses ?? {})) if (Number(status) >= 400) declared.add(Number(status));
  }
}

for (const status of [...declared].sort()) {
  test(`a declared ${status} raises its typed error`, { skip: !MOCK && "no mock" }, async () => {
    const provoke = PROVOKE[status];
    assert.ok(provoke, `the contract declares ${status}: add a way to provoke it`);
    await assert.rejects(provoke(), (caught: unknown) => {
      assert.ok(caught instanceof APIStatusError, String(caught));
      assert.equal(caught.constructor, ERRORS_BY_STATUS[status]);
      assert.equal(caught.status, status);
      assert.match(caught.error, /^[A-Z].*\.$/);
      if (status === 422) assert.deepEqual(caught.details.map((detail) => detail.field), ["customer_email"]);
      if (caught instanceof RateLimitError) assert.ok((caught.retryAfter ?? 0) >= 1);
      return true;
    });
  });
}

test("120 calls on a free-plan key all succeed", { skip: !MOCK && "no mock" }, async () => {
  const hissuno = client("free-typescript");
  for (let call = 0; call < RATE_PROOF_CALLS; call++) {
    await unwrap(hissuno.GET("/v1/issues", { params: { query: { limit: 1, search: "rate-proof-typescript" } } }));
  }
});
