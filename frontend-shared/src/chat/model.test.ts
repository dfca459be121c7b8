import { describe, expect, it } from "vitest";
import type { ChatMessage, FileInfo, Party } from "../protocol";
import { ChatLog } from "./model";

function msg(seq: number, from: Party, text = `m${seq}`, file?: FileInfo): ChatMessage {
  const m: ChatMessage = { id: `id${seq}`, seq, from, text, at: "2026-11-21T10:00:00Z" };
  if (file) m.file = file;
  return m;
}

const file: FileInfo = {
  id: "f1",
  interaction_id: "i1",
  name: "a.png",
  size: 10,
  sha256: "00",
  content_type: "image/png",
  uploaded_by: "client",
  kind: "chat",
  thumbnail: true,
  created_at: "2026-11-21T10:00:00Z",
};

/** What the page shows: `s<seq>` for stored messages, `p:<text>` for waiting ones, `|` for the divider. */
function shown(log: ChatLog): string[] {
  return log.items().map((i) => (i.kind === "divider" ? "|" : i.kind === "pending" ? `p:${i.pending.text}` : `s${i.message.seq}`));
}

describe("ChatLog: stored messages", () => {
  it("keeps messages once, in seq order, and knows the contiguous end", () => {
    const log = new ChatLog("agent");
    expect(log.add(msg(1, "client"), false)).toBe(true);
    expect(log.add(msg(3, "client"), false)).toBe(true);
    expect(log.add(msg(1, "client"), false)).toBe(false);
    expect(log.contiguousSeq).toBe(1);
    expect(log.hasGap).toBe(true);
    expect(log.add(msg(2, "agent"), false)).toBe(true);
    expect(log.contiguousSeq).toBe(3);
    expect(log.hasGap).toBe(false);
    expect(log.lastSeq).toBe(3);
    expect(shown(log).filter((s) => s !== "|")).toEqual(["s1", "s2", "s3"]);
  });

  it("ignores malformed seqs", () => {
    const log = new ChatLog("agent");
    expect(log.add(msg(0, "client"), false)).toBe(false);
    expect(log.add({ ...msg(1, "client"), seq: 1.5 }, false)).toBe(false);
    expect(log.size).toBe(0);
  });
});

describe("ChatLog: sending", () => {
  it("shows a message as waiting until its ack, then once, stored", () => {
    const log = new ChatLog("client");
    log.add(msg(1, "agent"), true);
    const p = log.queue("hello", "c1", 0);
    expect(p.after).toBe(1);
    expect(shown(log)).toEqual(["s1", "p:hello"]);
    log.ack("c1", msg(2, "client", "hello"));
    expect(shown(log)).toEqual(["s1", "s2"]);
    // The broadcast of the same message after the ack is a duplicate.
    expect(log.add(msg(2, "client", "hello"), true)).toBe(false);
    expect(shown(log)).toEqual(["s1", "s2"]);
    expect(log.unsent()).toEqual([]);
  });

  it("never shows a message twice when its broadcast comes before the ack", () => {
    const log = new ChatLog("client");
    log.queue("hello", "c1", 0);
    log.add(msg(1, "client", "hello"), true);
    expect(shown(log)).toEqual(["s1"]);
    // Still unacknowledged: it is resent after a reconnect.
    expect(log.unsent().map((p) => p.client_msg_id)).toEqual(["c1"]);
    const key = log.items()[0]?.key;
    log.ack("c1", msg(1, "client", "hello"));
    expect(shown(log)).toEqual(["s1"]);
    expect(log.items()[0]?.key).toBe(key);
    expect(key).toBe("c1");
  });

  it("does not take an older message with the same text for a waiting one", () => {
    const log = new ChatLog("client");
    log.add(msg(1, "client", "ok"), true);
    log.queue("ok", "c2", 0);
    // Replay after a reload: seq 1 is older than the waiting message.
    log.add(msg(1, "client", "ok"), false);
    expect(shown(log)).toEqual(["s1", "p:ok"]);
  });

  it("knows its seq is after the chat's end the server announced", () => {
    const log = new ChatLog("client");
    // Reload: the welcome said the chat ends at 3, the replay has not come yet.
    log.queue("ok", "c1", 0, undefined, 3);
    log.add(msg(2, "client", "ok"), false);
    expect(shown(log)).toEqual(["s2", "p:ok"]);
    log.add(msg(4, "client", "ok"), true);
    expect(shown(log)).toEqual(["s2", "s4"]);
  });

  it("corrects a wrong match when the ack names another seq", () => {
    const log = new ChatLog("agent");
    log.queue("ok", "mine", 0);
    // Another tab of the same party sent "ok" too and it arrived first.
    log.add(msg(1, "agent", "ok"), true);
    expect(shown(log)).toEqual(["s1"]);
    log.ack("mine", msg(2, "agent", "ok"));
    expect(shown(log)).toEqual(["s1", "s2"]);
    expect(log.items().map((i) => i.key)).toEqual(["s1", "mine"]);
  });

  it("drops another waiting message's match on the acked seq", () => {
    const log = new ChatLog("agent");
    log.queue("ok", "a", 0);
    log.queue("ok", "b", 0);
    log.add(msg(1, "agent", "ok"), true); // taken for "a"
    log.ack("b", msg(1, "agent", "ok")); // but it was "b"
    expect(shown(log)).toEqual(["s1", "p:ok"]);
    expect(log.unsent().map((p) => p.client_msg_id)).toEqual(["a"]);
  });

  it("matches file messages by file id", () => {
    const log = new ChatLog("client");
    log.queue("", "c1", 0, file);
    log.add(msg(1, "client", "", { ...file, id: "other" }), true);
    expect(shown(log)).toEqual(["s1", "p:"]);
    log.add(msg(2, "client", "", file), true);
    expect(shown(log)).toEqual(["s1", "s2"]);
  });

  it("keeps refused messages visible but never resends them", () => {
    const log = new ChatLog("client");
    log.queue("x", "c1", 0);
    expect(log.fail("c1", "interaction_ended", "over")?.failed?.code).toBe("interaction_ended");
    expect(log.unsent()).toEqual([]);
    expect(shown(log)).toEqual(["p:x"]);
    log.dismiss("c1");
    expect(shown(log)).toEqual([]);
    expect(log.fail("nope", "x", "y")).toBeNull();
  });

  it("settles at the end: a matched message was stored, the rest failed", () => {
    const log = new ChatLog("client");
    log.queue("stored", "c1", 0);
    log.queue("lost", "c2", 0);
    log.add(msg(1, "client", "stored"), false);
    log.settle("interaction_ended", "over");
    expect(shown(log)).toEqual(["s1", "p:lost"]);
    expect(log.unsent()).toEqual([]);
  });

  it("restores waiting messages (a reload) and resends them in order", () => {
    const log = new ChatLog("client", [
      { client_msg_id: "c1", text: "one", after: 4, at: 1 },
      { client_msg_id: "c2", text: "two", after: 4, at: 2 },
    ]);
    expect(log.unsent().map((p) => p.text)).toEqual(["one", "two"]);
    for (let s = 1; s <= 4; s += 1) log.add(msg(s, "agent"), false);
    log.add(msg(5, "client", "one"), false);
    expect(shown(log).filter((s) => s !== "|")).toEqual(["s1", "s2", "s3", "s4", "s5", "p:two"]);
  });
});

describe("ChatLog: read marks, unread, divider", () => {
  it("counts the other party's messages after this party's read mark", () => {
    const log = new ChatLog("client");
    log.add(msg(1, "agent"), false);
    log.add(msg(2, "client"), false);
    log.add(msg(3, "agent"), false);
    expect(log.unread()).toBe(2);
    expect(log.setRead("client", 1)).toBe(true);
    expect(log.setRead("client", 1)).toBe(false);
    expect(log.unread()).toBe(1);
    expect(log.markSeen()).toBe(3);
    expect(log.markSeen()).toBeNull();
    expect(log.unread()).toBe(0);
  });

  it("puts the divider above the first message that arrived unseen, and keeps it there", () => {
    const log = new ChatLog("client");
    log.add(msg(1, "agent"), false);
    log.markSeen();
    log.add(msg(2, "agent"), false);
    log.add(msg(3, "agent"), false);
    expect(log.dividerSeq).toBe(2);
    expect(shown(log)).toEqual(["s1", "|", "s2", "s3"]);
    // The user opens the chat: read, but the divider stays while it is open.
    log.markSeen();
    expect(log.dividerSeq).toBe(2);
    // A message seen as it arrives does not move it.
    log.add(msg(4, "agent"), true);
    log.markSeen();
    expect(log.dividerSeq).toBe(2);
    // Closed: the read divider goes; the next unseen message brings it back.
    log.clearReadDivider();
    expect(log.dividerSeq).toBeNull();
    log.add(msg(5, "agent"), false);
    expect(log.dividerSeq).toBe(5);
  });

  it("puts the divider by the server's read mark after a reload", () => {
    const log = new ChatLog("agent");
    log.setRead("agent", 2);
    for (let s = 1; s <= 4; s += 1) log.add(msg(s, "client"), false);
    expect(log.dividerSeq).toBe(3);
    expect(log.unread()).toBe(2);
  });

  it("has no divider for own messages and marks them read by the peer", () => {
    const log = new ChatLog("agent");
    log.add(msg(1, "agent"), false);
    log.add(msg(2, "agent"), false);
    expect(log.dividerSeq).toBeNull();
    log.setRead("client", 1);
    const read = log.items().map((i) => (i.kind === "message" ? i.readByPeer : null));
    expect(read).toEqual([true, false]);
  });

  it("moves the divider up when an earlier unread message fills a gap", () => {
    const log = new ChatLog("client");
    log.add(msg(3, "agent"), false);
    log.add(msg(2, "agent"), false);
    expect(log.dividerSeq).toBe(2);
  });
});
