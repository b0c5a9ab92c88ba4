/**
 * The TypeScript SDK's webhook helper without a server: deliveries signed by the Standard Webhooks library itself
 * verify and narrow by `type`; a tampered body, another secret, a stale or future timestamp, a missing header, or
 * a signed body that is no known event each throw `WebhookVerificationError`.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { Webhook } from "standardwebhooks";

import {
  HissunoError,
  WEBHOOK_EVENT_TYPES,
  WebhookVerificationError,
  verifyWebhook,
  type Schemas,
  type WebhookEvent,
} from "../src/index.js";

const BUNDLE = JSON.parse(readFileSync(process.env.HISSUNO_SDK_BUNDLE ?? new URL("../../../v1.json", import.meta.url), "utf8"));
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_SECRET = "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldY";
const MINUTE_MS = 60_000;

/** The contract's resource named by the event type's prefix (`knowledge_source` -> `KnowledgeSource`). */
function payloadSchema(eventType: string): string {
  return eventType.split(".")[0]!.split("_").map((word) => word[0]!.toUpperCase() + word.slice(1)).join("");
}

/** The first example in the bundle that is a whole `schema` object (its id prefix, every required property). */
function exampleOf(schema: string): Record<string, unknown> {
  const declared = BUNDLE.components.schemas[schema];
  const prefix = String(declared.properties.id.pattern).replace(/^\^/, "").split("_")[0] + "_";
  const found = walk(BUNDLE).find((value) => String(value.id ?? "").startsWith(prefix)
    && (declared.required as string[]).every((name) => name in value));
  assert.ok(found, `the document has no example of a whole ${schema}`);
  return found;
}

function walk(node: unknown): Record<string, unknown>[] {
  if (Array.isArray(node)) return node.flatMap(walk);
  if (typeof node !== "object" || node === null) return [];
  return [node as Record<string, unknown>, ...Object.values(node).flatMap(walk)];
}

function eventBody(eventType: string): string {
  return JSON.stringify({ id: "evt_k2m9x1", type: eventType, created_at: "2026-01-15T10:30:01Z", data: exampleOf(payloadSchema(eventType)) });
}

function delivery(body: string, { secret = SECRET, sentAt = new Date(), messageId = "msg_2Lk9" } = {}): Record<string, string> {
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(messageId, sentAt, body),
  };
}

function refused(payload: string, headers: Record<string, string>, secret = SECRET): WebhookVerificationError {
  try {
    verifyWebhook(payload, headers, secret);
  } catch (error) {
    assert.ok(error instanceof WebhookVerificationError, String(error));
    assert.ok(error instanceof HissunoError);
    return error;
  }
  assert.fail("the delivery was accepted");
}

test("the generated event types are the contract's", () => {
  assert.deepEqual([...WEBHOOK_EVENT_TYPES], BUNDLE.components.schemas.EventType.enum);
});

for (const eventType of BUNDLE.components.schemas.EventType.enum as string[]) {
  test(`a ${eventType} delivery verifies with its data`, () => {
    const body = eventBody(eventType);
    const event = verifyWebhook(body, delivery(body), SECRET);
    assert.equal(event.type, eventType);
    assert.equal(event.id, "evt_k2m9x1");
    assert.deepEqual(event.data, JSON.parse(body).data);
  });
}

test("the event narrows by its type", () => {
  const body = eventBody("issue.upvoted");
  const event: WebhookEvent = verifyWebhook(new TextEncoder().encode(body), delivery(body), SECRET);
  switch (event.type) {
    case "issue.upvoted": {
      const issue: Schemas["Issue"] = event.data; // compiles only once narrowed
      const votes: number = event.data.upvote_count;
      assert.equal(issue.id, "iss_7fk2m9");
      assert.ok(votes >= 0);
      break;
    }
    case "session.created":
    case "session.closed":
    case "session.reviewed": {
      const session: Schemas["Session"] = event.data;
      assert.fail(`an issue.upvoted delivery came back as ${session.id}`);
    }
    // falls through: unreachable after assert.fail
    case "issue.created":
    case "issue.updated":
    case "customer.created":
    case "customer.updated":
    case "knowledge_source.created":
    case "knowledge_source.completed":
    case "knowledge_source.failed":
      assert.fail(`an issue.upvoted delivery came back as ${event.type}`);
    // falls through
    default: {
      const exhaustive: never = event; // every declared type has a case above
      assert.fail(`unknown event ${String(exhaustive)}`);
    }
  }
});

test("headers are read in any case, from a fetch Headers too", () => {
  const body = eventBody("session.created");
  const upper = Object.fromEntries(Object.entries(delivery(body)).map(([name, value]) => [name.toUpperCase(), value]));
  assert.equal(verifyWebhook(body, upper, SECRET).type, "session.created");
  assert.equal(verifyWebhook(body, new Headers(delivery(body)), SECRET).type, "session.created");
});

test("a rotated secret's signature list verifies with either secret", () => {
  const body = eventBody("session.created");
  const headers = delivery(body);
  headers["webhook-signature"] += " " + delivery(body, { secret: OTHER_SECRET })["webhook-signature"];
  assert.equal(verifyWebhook(body, headers, SECRET).type, verifyWebhook(body, headers, OTHER_SECRET).type);
});

test("a tampered body is refused", () => {
  const body = eventBody("session.created");
  const tampered = body.replace("sess_abc123", "sess_abc124");
  assert.notEqual(tampered, body);
  assert.match(refused(tampered, delivery(body)).message, /No matching signature/);
});

test("another secret is refused", () => {
  const body = eventBody("session.created");
  assert.match(refused(body, delivery(body), OTHER_SECRET).message, /No matching signature/);
});

test("a timestamp more than five minutes away is refused, four minutes old is not", () => {
  const body = eventBody("session.created");
  for (const minutes of [-6, 6]) {
    const sentAt = new Date(Date.now() + minutes * MINUTE_MS);
    assert.match(refused(body, delivery(body, { sentAt })).message, /timestamp too (old|new)/);
  }
  assert.equal(verifyWebhook(body, delivery(body, { sentAt: new Date(Date.now() - 4 * MINUTE_MS) }), SECRET).type, "session.created");
});

test("a missing header is refused", () => {
  const body = eventBody("session.created");
  for (const header of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
    const headers = delivery(body);
    delete headers[header];
    assert.match(refused(body, headers).message, /Missing required headers/);
  }
});

test("a well-signed body that is no known event is refused", () => {
  const bodies = [
    "not json",
    "[1, 2]",
    JSON.stringify({ id: "evt_1", type: "session.exploded", created_at: "2026-01-15T10:30:01Z", data: {} }),
    JSON.stringify({ id: "evt_1", type: "session.created", created_at: "2026-01-15T10:30:01Z" }),
  ];
  for (const body of bodies) assert.match(refused(body, delivery(body)).message, /signed/);
});
