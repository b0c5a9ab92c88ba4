export { createHissuno, unwrap, type Hissuno, type HissunoOptions } from "./client.js";
export * from "./errors.js";
export { DEFAULT_BASE_URL, VERSION } from "./generated/contract.js";
export type { components, operations, paths } from "./generated/v1.js";
export { MAX_PAGE_SIZE, paginate, type Page, type PageRequest } from "./pagination.js";
export { RetryPolicy, type RetryOptions } from "./retry.js";
export { USER_AGENT, type Fetch } from "./transport.js";
export { WEBHOOK_EVENT_TYPES, type WebhookEventPayloads } from "./generated/webhook-events.js";
export {
  WebhookVerificationError,
  verifyWebhook,
  type WebhookEvent,
  type WebhookEventType,
  type WebhookHeaders,
} from "./webhooks.js";

import type { components } from "./generated/v1.js";
/** The contract's schemas by name: `Schemas["Session"]`. */
export type Schemas = components["schemas"];
