// The client page (/c/<token>): link check, landing with consent, the call,
// the end screen (with the survey and the redirect, aftercall.ts). The
// branding is read on every load (`GET /api/join/{token}`), never cached.

import "@shared/base.css";
import "./styles.css";
import type { Branding, InteractionStatus, JoinInfo } from "@shared/protocol";
import { api, ApiError } from "@shared/api";
import { el, replaceChildren } from "@shared/dom";
import { errorText } from "@shared/errors";
import { initLang, t } from "@shared/i18n";
import { isFinished } from "@shared/labels";
import type { LocalMedia } from "@shared/media";
import { showAfterCall } from "./aftercall";
import { brandingStyle } from "./branding";
import { landing } from "./landing";
import { linkTokenFrom } from "./route";
import { messageScreen } from "./screens";
import { ClientSession } from "./session";
import { joined, type JoinedRecord } from "./store";

initLang();
document.title = t("app.clientTitle");
const app = document.getElementById("app") ?? document.body;

function render(node: HTMLElement): void {
  replaceChildren(app, [node]);
}

function notFound(branding: Branding | null = null): void {
  render(messageScreen("link-not-found", t("client.linkNotFound"), t("client.linkNotFoundHelp"), branding));
}

/** The link no longer leads to a call: the end of this page's call when it had one, else "expired". */
function expired(linkToken: string, info: JoinInfo | null = null): void {
  const finished = joined.get(linkToken)?.finished;
  if (finished) showAfterCall({ outcome: finished, linkToken, info, render });
  else render(messageScreen("link-expired", t("client.linkExpired"), t("client.linkExpiredHelp"), info?.branding ?? null));
}

/** The company's colours (checked `#rrggbb` only) and name. */
function applyBranding(branding: Branding): void {
  for (const [name, value] of Object.entries(brandingStyle(branding))) {
    document.documentElement.style.setProperty(name, value);
  }
  if (branding.company_name) document.title = `${branding.company_name} — ${t("app.clientTitle")}`;
}

function startCall(linkToken: string, info: JoinInfo, record: JoinedRecord, local: LocalMedia, tapAt: number | undefined): void {
  const session = new ClientSession({
    linkToken,
    record,
    info,
    local,
    onFinished: (outcome: InteractionStatus | "replaced") => showAfterCall({ outcome, linkToken, info, render }),
  });
  render(session.root);
  session.start(tapAt);
}

async function boot(): Promise<void> {
  const linkToken = linkTokenFrom(location.pathname, import.meta.env.BASE_URL);
  if (!linkToken) {
    notFound();
    return;
  }
  render(el("div", { class: "screen" }, [el("p", { class: "muted loading", text: t("common.loading") })]));

  let info: JoinInfo;
  try {
    info = await api<JoinInfo>("GET", `/api/join/${encodeURIComponent(linkToken)}`, undefined, { kind: "none" });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) notFound();
    else if (err instanceof ApiError && err.status === 410) expired(linkToken);
    else {
      const retry = el("button", { class: "btn btn-primary", text: t("common.retry"), attrs: { type: "button" } });
      retry.addEventListener("click", () => void boot());
      render(messageScreen("load-error", errorText(err), null, null, [retry]));
    }
    return;
  }
  applyBranding(info.branding);
  if (isFinished(info.status)) {
    expired(linkToken, info);
    return;
  }
  if (typeof RTCPeerConnection === "undefined") {
    render(messageScreen("webrtc-unsupported", t("client.unsupported"), t("client.unsupportedHelp"), info.branding));
    return;
  }
  const stored = joined.get(linkToken);
  const rejoin = stored && !stored.finished && stored.interaction_id === info.interaction_id ? stored : null;
  render(
    landing({
      info,
      linkToken,
      rejoin,
      onJoined: (record, local, tapAt) => startCall(linkToken, info, record, local, tapAt),
      onGone: (status) => (status === 404 ? notFound(info.branding) : expired(linkToken, info)),
    }),
  );
}

void boot();
