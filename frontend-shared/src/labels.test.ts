import { describe, expect, it } from "vitest";
import type { Channel, DeliveryStatus, FailureReason } from "./protocol";
import { isMessageKey, translate } from "./i18n";
import { CHANNEL_KEYS, DELIVERY_STATUS_KEYS, FAILURE_REASON_KEYS, deliveryStatusKey } from "./labels";

// The lists the Rust protocol crate has (protocol.ts is generated from it):
// a new variant there fails typecheck of the key maps, a new one here fails this.
const REASONS: FailureReason[] = [
  "bad_credentials", "no_money", "invalid_number", "undeliverable", "forbidden", "flood_limit", "ip_blocked", "expired",
  "chat_not_found", "bot_blocked", "start_link_expired", "rejected", "provider_error", "provider_unavailable",
  "unknown_outcome", "not_configured",
];
const STATUSES: DeliveryStatus[] = ["queued", "awaiting_start", "sent", "delivered", "failed"];
const CHANNELS: Channel[] = ["sms", "telegram", "email", "webhook"];

describe("delivery labels", () => {
  it("have a distinct text for every failure reason, in both languages", () => {
    expect(Object.keys(FAILURE_REASON_KEYS).sort()).toEqual([...REASONS].sort());
    for (const lang of ["en", "ru"] as const) {
      const texts = REASONS.map((r) => translate(lang, FAILURE_REASON_KEYS[r]));
      expect(new Set(texts).size, lang).toBe(REASONS.length);
    }
    expect(translate("en", FAILURE_REASON_KEYS.no_money)).toBe("The SMS provider account is out of money");
    expect(translate("ru", FAILURE_REASON_KEYS.no_money)).toBe("На счёте SMS-провайдера закончились деньги");
  });

  it("name every status and channel", () => {
    expect(Object.keys(DELIVERY_STATUS_KEYS).sort()).toEqual([...STATUSES].sort());
    expect(Object.keys(CHANNEL_KEYS).sort()).toEqual([...CHANNELS].sort());
    expect(translate("en", DELIVERY_STATUS_KEYS.delivered)).toBe("Delivered");
    expect(translate("ru", DELIVERY_STATUS_KEYS.delivered)).toBe("Доставлено");
  });

  it("say SMS 'sent' waits for a report, e-mail 'sent' is simply sent", () => {
    expect(deliveryStatusKey("sent", "sms")).toBe("delivery.status.sent_sms");
    expect(deliveryStatusKey("sent", "email")).toBe("delivery.status.sent");
    expect(translate("en", "delivery.status.sent")).toBe("Sent");
    expect(deliveryStatusKey("failed", "email")).toBe("delivery.status.failed");
  });

  it("leave unknown values (a newer server) to the caller", () => {
    expect(deliveryStatusKey("bounced", "email")).toBeNull();
    expect(deliveryStatusKey("toString", "sms")).toBeNull();
  });

  it("have texts for the send error codes", () => {
    for (const code of ["invalid_phone", "contact_missing", "channel_not_configured", "delivery_not_found", "link_expired"]) {
      const key = `err.${code}`;
      expect(isMessageKey(key), code).toBe(true);
      if (!isMessageKey(key)) continue;
      expect(translate("en", key).length, code).toBeGreaterThan(0);
      expect(translate("ru", key), code).toMatch(/[А-Яа-яЁё]/);
    }
  });
});
