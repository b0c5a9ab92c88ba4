/**
 * Real deliveries from a live mock, verified by `verifyWebhook`: tests/sdks/test_webhook_deliveries.py registers a
 * receiver, makes one delivery of every declared event type, and hands their raw bytes, headers and the webhook's
 * secret over in the JSON file named by HISSUNO_TEST_DELIVERIES.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { WebhookVerificationError, verifyWebhook, type Schemas } from "../src/index.js";

interface Handed {
  secret: string;
  session_id: string;
  deliveries: { type: string; headers: Record<string, string>; body_base64: string }[];
}

const FILE = process.env.HISSUNO_TEST_DELIVERIES ?? "";
const HANDED: Handed = FILE ? JSON.parse(readFileSync(FILE, "utf8")) : { secret: "", session_id: "", deliveries: [] };
const OTHER_SECRET = "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldY";

const bytes = (base64: string): Uint8Array => new Uint8Array(Buffer.from(base64, "base64"));

test("every real delivery verifies as its typed event", { skip: !FILE && "no deliveries" }, () => {
  let verified = 0;
  for (const delivery of HANDED.deliveries) {
    const raw = bytes(delivery.body_base64);
    const sent = JSON.parse(new TextDecoder().decode(raw));
    const event = verifyWebhook(raw, delivery.headers, HANDED.secret);
    assert.equal(event.type, delivery.type);
    assert.deepEqual([event.id, event.data.id], [sent.id, sent.data.id]);
    if (event.type === "session.created") {
      const session: Schemas["Session"] = event.data;
      assert.equal(session.id, HANDED.session_id);
    }
    verified += 1;
  }
  console.log(`verified ${verified}`); // TAP shows it as "# verified N"
});

test("a real delivery tampered or checked with another secret is refused", { skip: !FILE && "no deliveries" }, () => {
  const delivery = HANDED.deliveries.find((d) => d.type === "session.created");
  assert.ok(delivery);
  const body = Buffer.from(delivery.body_base64, "base64").toString("utf8");
  const tampered = body.replace(HANDED.session_id, HANDED.session_id.slice(0, -1) + "x");
  assert.notEqual(tampered, body);
  assert.throws(() => verifyWebhook(tampered, delivery.headers, HANDED.secret), WebhookVerificationError);
  assert.throws(() => verifyWebhook(body, delivery.headers, OTHER_SECRET), WebhookVerificationError);
});
