// The drawing layer over a <video>: the other party's pointer (a dot), click
// ripples and a fading trail, placed by frame fractions (geometry.ts). The
// layer sits exactly on the video's content box, so its CSS px are the
// video view's points.

import "./pointer.css";
import { el } from "../dom";
import { t } from "../i18n";
import { frameToElement, type Point } from "./geometry";
import { Trail } from "./trail";
import { prefersReducedMotion, videoViewOf } from "./view";

const RIPPLE_MS = 900;

/** Puts `layer` (a sibling of `video`, same offset parent) exactly over the video's content box. */
export function fitLayerToVideo(layer: HTMLElement, video: HTMLVideoElement): void {
  const set = (name: "left" | "top" | "width" | "height", px: number): void => {
    const v = `${px}px`;
    if (layer.style[name] !== v) layer.style[name] = v;
  };
  set("left", video.offsetLeft + video.clientLeft);
  set("top", video.offsetTop + video.clientTop);
  set("width", video.clientWidth);
  set("height", video.clientHeight);
}

export class PointerOverlay {
  /** The other party's pointer (none where only ripples are drawn). */
  readonly dot: HTMLElement | null;
  private readonly canvas: HTMLCanvasElement;
  private readonly trail = new Trail();
  private position: Point | null = null;
  private frame = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly resize: ResizeObserver | null;
  private clicks = 0;

  constructor(
    readonly layer: HTMLElement,
    private readonly video: HTMLVideoElement,
    opts: { pointer: boolean } = { pointer: true },
  ) {
    this.canvas = el("canvas", { class: "pointer-trail", attrs: { "aria-hidden": "true" } });
    this.dot = opts.pointer
      ? el("div", {
          class: "remote-pointer",
          testid: "remote-pointer",
          attrs: { role: "img", "aria-label": t("pointer.remote") },
          hidden: true,
        })
      : null;
    layer.append(this.canvas);
    if (this.dot) layer.append(this.dot);
    this.resize = typeof ResizeObserver === "function" ? new ResizeObserver(() => this.redraw()) : null;
    this.resize?.observe(video);
    if (video.parentElement) this.resize?.observe(video.parentElement);
    video.addEventListener("resize", this.onVideoResize);
    this.redraw();
  }

  /** Shows the pointer at a frame fraction (or hides it with null). */
  moveTo(p: Point | null): void {
    this.position = p;
    if (p && !prefersReducedMotion()) {
      this.trail.add(p, performance.now());
      this.animateTrail();
    }
    if (!p) this.trail.clear();
    this.placeDot();
  }

  /** A ripple at a frame fraction (a click). */
  ripple(p: Point): void {
    this.syncLayer();
    const at = frameToElement(videoViewOf(this.video), p);
    if (!at) return;
    this.clicks += 1;
    this.layer.dataset.clicks = String(this.clicks);
    const ring = el("div", { class: "pointer-ripple", testid: "pointer-ripple", attrs: { "aria-hidden": "true" } });
    ring.style.left = `${at.x}px`;
    ring.style.top = `${at.y}px`;
    this.layer.appendChild(ring);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      ring.remove();
    }, RIPPLE_MS);
    this.timers.add(timer);
  }

  /** Places everything again (layout or frame size changed). */
  redraw(): void {
    this.placeDot();
    if (!this.trail.empty) this.animateTrail();
  }

  dispose(): void {
    this.resize?.disconnect();
    this.video.removeEventListener("resize", this.onVideoResize);
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.canvas.remove();
    this.dot?.remove();
    for (const ring of this.layer.querySelectorAll(".pointer-ripple")) ring.remove();
  }

  private readonly onVideoResize = (): void => this.redraw();

  private syncLayer(): void {
    fitLayerToVideo(this.layer, this.video);
  }

  private placeDot(): void {
    this.syncLayer();
    if (!this.dot) return;
    const p = this.position;
    const at = p ? frameToElement(videoViewOf(this.video), p) : null;
    if (!p || !at) {
      this.dot.hidden = true;
      delete this.dot.dataset.x;
      delete this.dot.dataset.y;
      return;
    }
    this.dot.style.left = `${at.x}px`;
    this.dot.style.top = `${at.y}px`;
    this.dot.dataset.x = p.x.toFixed(4);
    this.dot.dataset.y = p.y.toFixed(4);
    this.dot.hidden = false;
  }

  private animateTrail(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.drawTrail();
    });
  }

  private drawTrail(): void {
    const canvas = this.canvas;
    const w = this.layer.clientWidth;
    const h = this.layer.clientHeight;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const dots = this.trail.dots(performance.now());
    const view = videoViewOf(this.video);
    for (const d of dots) {
      const at = frameToElement(view, d);
      if (!at) continue;
      ctx.beginPath();
      ctx.arc(at.x, at.y, 2 + 4 * d.alpha, 0, Math.PI * 2);
      ctx.fillStyle = `rgba(250, 204, 21, ${(0.6 * d.alpha).toFixed(3)})`;
      ctx.fill();
    }
    if (!this.trail.empty) this.animateTrail();
  }
}
