// Translated labels of wire values.

import type { Channel, DeliveryStatus, FailureReason, InteractionStatus } from "./protocol";
import { t, type MessageKey } from "./i18n";

const STATUS_KEYS: Record<InteractionStatus, MessageKey> = {
  created: "status.created",
  waiting: "status.waiting",
  active: "status.active",
  ended: "status.ended",
  failed: "status.failed",
};

export function statusLabel(status: InteractionStatus): string {
  return t(STATUS_KEYS[status]);
}

export function isFinished(status: InteractionStatus): boolean {
  return status === "ended" || status === "failed";
}

// ---- link deliveries ----

export const CHANNEL_KEYS: Record<Channel, MessageKey> = {
  sms: "delivery.channel.sms",
  telegram: "delivery.channel.telegram",
  email: "delivery.channel.email",
  webhook: "delivery.channel.webhook",
};

export const DELIVERY_STATUS_KEYS: Record<DeliveryStatus, MessageKey> = {
  queued: "delivery.status.queued",
  awaiting_start: "delivery.status.awaiting_start",
  sent: "delivery.status.sent",
  delivered: "delivery.status.delivered",
  failed: "delivery.status.failed",
};

export const FAILURE_REASON_KEYS: Record<FailureReason, MessageKey> = {
  bad_credentials: "delivery.reason.bad_credentials",
  no_money: "delivery.reason.no_money",
  invalid_number: "delivery.reason.invalid_number",
  undeliverable: "delivery.reason.undeliverable",
  forbidden: "delivery.reason.forbidden",
  flood_limit: "delivery.reason.flood_limit",
  ip_blocked: "delivery.reason.ip_blocked",
  expired: "delivery.reason.expired",
  chat_not_found: "delivery.reason.chat_not_found",
  bot_blocked: "delivery.reason.bot_blocked",
  start_link_expired: "delivery.reason.start_link_expired",
  rejected: "delivery.reason.rejected",
  provider_error: "delivery.reason.provider_error",
  provider_unavailable: "delivery.reason.provider_unavailable",
  unknown_outcome: "delivery.reason.unknown_outcome",
  not_configured: "delivery.reason.not_configured",
};

const ATTEMPT_KEYS: Readonly<Record<string, MessageKey>> = {
  sent: "delivery.attempt.sent",
  delivered: "delivery.attempt.delivered",
  failed: "delivery.attempt.failed",
  retry: "delivery.attempt.retry",
  checked: "delivery.attempt.checked",
};

function own<V>(map: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/** The channel's name; the webhook's is the platform's own caption when it has one. */
export function channelLabel(channel: Channel, webhookLabel?: string): string {
  if (channel === "webhook" && webhookLabel?.trim()) return webhookLabel.trim();
  const key = own(CHANNEL_KEYS, channel);
  return key ? t(key) : channel;
}

/**
 * The key of a delivery status in words. `sent` depends on the channel: SMS
 * still expects a delivery report, e-mail never gets one (so "sent" is where
 * it ends, not a stuck state). Unknown values (a newer server) give null. Pure.
 */
export function deliveryStatusKey(status: string, channel: string): MessageKey | null {
  if (status === "sent" && channel === "sms") return "delivery.status.sent_sms";
  return own(DELIVERY_STATUS_KEYS, status) ?? null;
}

export function deliveryStatusLabel(status: string, channel: string): string {
  const key = deliveryStatusKey(status, channel);
  return key ? t(key) : status;
}

/** Why a delivery failed, in plain words (unknown codes are shown as they are). */
export function failureReasonLabel(reason: string): string {
  const key = own(FAILURE_REASON_KEYS, reason);
  return key ? t(key) : t("delivery.reason.other", { code: reason });
}

/** One attempt's outcome (`sent`, `delivered`, `failed`, `retry`, `checked`). */
export function attemptOutcomeLabel(outcome: string): string {
  const key = own(ATTEMPT_KEYS, outcome);
  return key ? t(key) : outcome;
}
