// Translated labels of wire values.

import type { InteractionStatus } from "./protocol";
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
