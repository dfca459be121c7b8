// A location message in the chat (`location-message`): the address (or
// "address unknown"), the coordinates, the accuracy, when it was measured,
// links to Yandex Maps and OpenStreetMap, and a preview: the map tile with
// a marker on the point, or a plain card with the coordinates. Everything
// from the server goes in as text or as attribute values, never as markup.

import "./geo.css";
import type { Location } from "../protocol";
import { el } from "../dom";
import { lang, t } from "../i18n";
import { formatAccuracy, formatCoords, type LocationDraft, tileMarker } from "./format";

/** Date and time in the page's language ("21.11.2026, 13:04" / "21/11/2026, 13:04"). */
export function formatWhen(at: Date): string {
  if (Number.isNaN(at.getTime())) return "";
  return new Intl.DateTimeFormat(lang() === "ru" ? "ru-RU" : "en-GB", { dateStyle: "short", timeStyle: "short" }).format(at);
}

/** Only http(s) URLs become links or images. */
function safeUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url, location.href);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}

function preview(loc: Location): HTMLElement {
  const coords = formatCoords(loc.lat, loc.lon);
  const tileUrl = safeUrl(loc.tile?.url);
  if (loc.tile && tileUrl) {
    const m = tileMarker(loc.tile);
    const marker = el("span", { class: "geo-marker", testid: "location-marker", attrs: { "aria-hidden": "true" } });
    marker.style.left = `${m.left}%`;
    marker.style.top = `${m.top}%`;
    return el("div", { class: "geo-tile", testid: "location-tile" }, [
      el("img", {
        attrs: { src: tileUrl, alt: t("geo.mapAlt"), width: "256", height: "256", loading: "lazy", referrerpolicy: "no-referrer" },
      }),
      marker,
    ]);
  }
  return el("div", { class: "geo-card", testid: "location-card", attrs: { "aria-hidden": "true" } }, [
    el("span", { class: "geo-pin" }),
    el("span", { class: "geo-card-coords", text: coords }),
  ]);
}

function link(url: string | undefined, text: string, testid: string): HTMLElement | null {
  const href = safeUrl(url);
  if (!href) return null;
  return el("a", { class: "geo-link", testid, text, attrs: { href, target: "_blank", rel: "noopener noreferrer" } });
}

/** The block of a stored location message. */
export function locationBlock(loc: Location): HTMLElement {
  const coords = formatCoords(loc.lat, loc.lon);
  const address = loc.address?.display?.trim();
  const when = formatWhen(new Date(loc.measured_at));
  return el(
    "div",
    {
      class: "geo-message",
      testid: "location-message",
      attrs: { "data-lat": String(loc.lat), "data-lon": String(loc.lon), "data-address": address ? "true" : "false" },
    },
    [
      preview(loc),
      el("div", { class: "geo-info" }, [
        el("span", { class: "geo-label muted", text: t("geo.message") }),
        el("span", {
          class: address ? "geo-address" : "geo-address unknown",
          testid: "location-address",
          text: address ?? t("geo.addressUnknown"),
        }),
        el("span", { class: "geo-coords", testid: "location-coords", text: coords }),
        el("span", { class: "geo-accuracy muted", testid: "location-accuracy", text: formatAccuracy(loc.accuracy_m, lang()) }),
        when ? el("time", { class: "geo-time muted", testid: "location-time", text: t("geo.measuredAt", { time: when }), attrs: { datetime: loc.measured_at } }) : null,
        el("span", { class: "geo-links" }, [
          link(loc.links?.yandex, t("geo.yandex"), "location-yandex"),
          link(loc.links?.osm, t("geo.osm"), "location-osm"),
        ]),
      ]),
    ],
  );
}

/** The block of a location this page sent that the server has not stored yet. */
export function pendingLocationBlock(d: LocationDraft): HTMLElement {
  return el("div", { class: "geo-message pending", testid: "location-pending" }, [
    el("div", { class: "geo-info" }, [
      el("span", { class: "geo-label muted", text: t("geo.message") }),
      el("span", { class: "geo-coords", text: formatCoords(d.lat, d.lon) }),
      el("span", { class: "geo-accuracy muted", text: formatAccuracy(d.accuracy_m, lang()) }),
    ]),
  ]);
}
