import { describe, expect, it } from "vitest";
import type { Channels } from "@shared/protocol";
import { CHANNELS, contactFor, likelyDestination, unavailable, type ChannelsState, type Contacts } from "./availability";

const channels = (on: Partial<Record<"sms" | "telegram" | "email" | "webhook", boolean>>): ChannelsState => {
  const c: Channels = {
    sms: false,
    telegram: false,
    email: false,
    webhook: false,
    webhook_label: { ru: "В WhatsApp", en: "To WhatsApp" },
    ...on,
  };
  return { kind: "ready", channels: c };
};
const all = channels({ sms: true, telegram: true, email: true, webhook: true });
const none: Contacts = { phone: null, email: null, telegram: null };
const phoneOnly: Contacts = { phone: "+79001234567", email: null, telegram: null };
const everything: Contacts = { phone: "+79001234567", email: "c@example.com", telegram: "@client" };

describe("contactFor", () => {
  it("needs the channel's own contact", () => {
    expect(contactFor("sms", phoneOnly)).toBeNull();
    expect(contactFor("email", phoneOnly)).toBe("no_email");
    expect(contactFor("telegram", phoneOnly)).toBe("no_telegram");
    expect(contactFor("sms", { ...none, email: "c@example.com" })).toBe("no_phone");
  });
  it("takes any contact for the webhook", () => {
    expect(contactFor("webhook", none)).toBe("no_contact");
    expect(contactFor("webhook", { ...none, telegram: "@c" })).toBeNull();
    expect(contactFor("webhook", { ...none, email: "c@example.com" })).toBeNull();
    expect(contactFor("webhook", phoneOnly)).toBeNull();
  });
  it("treats blank contacts as missing", () => {
    expect(contactFor("sms", { ...none, phone: "   " })).toBe("no_phone");
    expect(contactFor("webhook", { phone: "", email: " ", telegram: null })).toBe("no_contact");
  });
});

describe("unavailable", () => {
  it("enables a configured channel with a contact", () => {
    for (const ch of CHANNELS) expect(unavailable(ch, all, everything, false), ch).toBeNull();
  });
  it("says the call is over before anything else", () => {
    for (const ch of CHANNELS) {
      expect(unavailable(ch, all, everything, true)).toBe("ended");
      expect(unavailable(ch, { kind: "loading" }, none, true)).toBe("ended");
    }
  });
  it("waits for the channel list, and says when it could not be read", () => {
    expect(unavailable("sms", { kind: "loading" }, everything, false)).toBe("loading");
    expect(unavailable("sms", { kind: "error" }, everything, false)).toBe("channels_error");
  });
  it("says not configured before a missing contact", () => {
    const smsOnly = channels({ sms: true });
    expect(unavailable("sms", smsOnly, phoneOnly, false)).toBeNull();
    expect(unavailable("email", smsOnly, phoneOnly, false)).toBe("not_configured");
    expect(unavailable("telegram", smsOnly, phoneOnly, false)).toBe("not_configured");
    expect(unavailable("webhook", smsOnly, phoneOnly, false)).toBe("not_configured");
    expect(unavailable("email", all, phoneOnly, false)).toBe("no_email");
    expect(unavailable("sms", smsOnly, none, false)).toBe("no_phone");
  });
});

describe("likelyDestination", () => {
  it("is the channel's contact, trimmed", () => {
    expect(likelyDestination("sms", { ...everything, phone: " +7900 " })).toBe("+7900");
    expect(likelyDestination("email", everything)).toBe("c@example.com");
    expect(likelyDestination("telegram", everything)).toBe("@client");
    expect(likelyDestination("webhook", everything)).toBeNull();
    expect(likelyDestination("email", phoneOnly)).toBeNull();
  });
});
