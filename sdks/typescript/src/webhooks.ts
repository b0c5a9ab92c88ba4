/**
 * Webhook deliveries verified with the Standard Webhooks library and read as their typed event.
 *
 * The one call a receiver makes, like Stripe's `constructEvent`: {@link verifyWebhook} checks the `webhook-id`,
 * `webhook-timestamp` and `webhook-signature` headers against the raw body and the webhook's `whsec_` secret (the
 * timestamp within 5 minutes of this clock), then returns the body as a {@link WebhookEvent}, a union
 * discriminated by `type`. Anything else throws {@link WebhookVerificationError}.
 */
import { Webhook, WebhookVerificationError as LibraryVerificationError } from "standardwebhooks";

import { HissunoError } from "./errors.js";
import type { components } from "./generated/v1.js";
import { WEBHOOK_EVENT_TYPES, type WebhookEventPayloads } from "./generated/webhook-events.js";

type Envelope = components["schemas"]["WebhookEvent"];

export type WebhookEventType = keyof WebhookEventPayloads;

/** A delivery's body: `data` is the resource its `type` names (`event.type === "issue.upvoted"` narrows it). */
export type WebhookEvent<T extends WebhookEventType = WebhookEventType> = {
  [K in T]: Omit<Envelope, "type" | "data"> & { type: K; data: WebhookEventPayloads[K] };
}[T];

/** A fetch `Headers`, or a plain record such as Node's `request.headers` (names in any case). */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * The delivery is not one to trust: a header missing, a signature that does not match the body and secret, a
 * timestamp more than 5 minutes away, or a signed body that is no event this SDK version knows.
 */
export class WebhookVerificationError extends HissunoError {
  override name = "WebhookVerificationError";
}

/**
 * The delivery's event, typed by its `type`, once its signature holds. `payload` is the request body exactly as
 * received (the raw string or bytes, before any JSON parsing), `secret` the `whsec_...` returned when the webhook
 * was created. `data` is typed from the contract, not validated field by field (as the API's answers are).
 */
export function verifyWebhook(payload: string | Uint8Array, headers: WebhookHeaders, secret: string): WebhookEvent {
  try {
    new Webhook(secret).verify(payload, plainHeaders(headers), { jsonParse: false });
  } catch (error) {
    if (error instanceof LibraryVerificationError) {
      throw new WebhookVerificationError(`webhook delivery refused: ${error.message}`);
    }
    throw error;
  }
  return parseEvent(typeof payload === "string" ? payload : new TextDecoder().decode(payload));
}

function parseEvent(text: string): WebhookEvent {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new WebhookVerificationError("the signed body is not JSON");
  }
  const event = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const type = event.type as WebhookEventType;
  if (!WEBHOOK_EVENT_TYPES.includes(type)) {
    throw new WebhookVerificationError(`the signed body is no event type this SDK knows: ${JSON.stringify(type)}`);
  }
  const shaped = typeof event.id === "string" && typeof event.created_at === "string";
  if (!shaped || typeof event.data !== "object" || event.data === null) {
    throw new WebhookVerificationError(`the signed ${type} body is no event envelope {id, type, created_at, data}`);
  }
  return event as unknown as WebhookEvent;
}

function plainHeaders(headers: WebhookHeaders): Record<string, string> {
  const plain: Record<string, string> = {};
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    headers.forEach((value, name) => (plain[name.toLowerCase()] = value));
    return plain;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) plain[name.toLowerCase()] = Array.isArray(value) ? value.join(" ") : value;
  }
  return plain;
}
