// The `collab` data channel of the current peer connection (see
// pointer/wire.ts): `Call` attaches each new channel; pages listen and send.
// Messages sent while the channel is not open are dropped: pointer state is
// ephemeral and its senders repeat it (on `open`, and periodically).

import type { CollabMessage } from "./protocol";
import { Emitter } from "./emitter";
import { COLLAB_MAX_BYTES, decodeCollab, encodeCollab } from "./pointer/wire";

export interface CollabEvents {
  /** A channel opened (also after a rejoin): send the current state again. */
  open: undefined;
  close: undefined;
  message: CollabMessage;
}

export class CollabChannel extends Emitter<CollabEvents> {
  private dc: RTCDataChannel | null = null;

  get isOpen(): boolean {
    return this.dc?.readyState === "open";
  }

  /** Uses a new peer connection's channel (the previous one is closed). */
  attach(dc: RTCDataChannel): void {
    this.detach();
    this.dc = dc;
    dc.onopen = () => {
      if (this.dc === dc) this.emit("open", undefined);
    };
    dc.onclose = () => {
      if (this.dc === dc) this.emit("close", undefined);
    };
    dc.onmessage = (ev: MessageEvent) => {
      if (this.dc !== dc) return;
      const msg = decodeCollab(ev.data);
      if (msg) this.emit("message", msg);
    };
    if (dc.readyState === "open") this.emit("open", undefined);
  }

  /** Closes the current channel (its peer connection is going away). */
  detach(): void {
    const dc = this.dc;
    if (!dc) return;
    const wasOpen = dc.readyState === "open";
    this.dc = null;
    dc.onopen = null;
    dc.onclose = null;
    dc.onmessage = null;
    try {
      dc.close();
    } catch {
      // already closed with its connection
    }
    if (wasOpen) this.emit("close", undefined);
  }

  /** Sends if the channel is open; returns whether it was. */
  send(msg: CollabMessage): boolean {
    const dc = this.dc;
    if (!dc || dc.readyState !== "open") return false;
    const text = encodeCollab(msg);
    if (text.length > COLLAB_MAX_BYTES) return false;
    try {
      dc.send(text);
      return true;
    } catch {
      return false;
    }
  }
}
