import { describe, expect, it } from "vitest";
import { COLLAB_LABEL, COLLAB_MAX_BYTES, decodeCollab, encodeCollab } from "./wire";

describe("collab messages", () => {
  it("uses the protocol's label and limit", () => {
    expect(COLLAB_LABEL).toBe("collab");
    expect(COLLAB_MAX_BYTES).toBe(16384);
  });
  it("encodes pointer, click and pointer_off", () => {
    expect(encodeCollab({ t: "pointer", x: 0.123456, y: 0.5 })).toBe('{"t":"pointer","x":0.1235,"y":0.5}');
    expect(encodeCollab({ t: "click", x: 0, y: 1 })).toBe('{"t":"click","x":0,"y":1}');
    expect(encodeCollab({ t: "pointer_off" })).toBe('{"t":"pointer_off"}');
  });
  it("decodes what it encodes", () => {
    for (const m of [{ t: "pointer", x: 0.3, y: 0.7 }, { t: "click", x: 1, y: 0 }, { t: "pointer_off" }] as const) {
      expect(decodeCollab(encodeCollab(m))).toEqual(m);
    }
  });
  it("drops anything else", () => {
    expect(decodeCollab(new ArrayBuffer(4))).toBeNull();
    expect(decodeCollab("not json")).toBeNull();
    expect(decodeCollab("null")).toBeNull();
    expect(decodeCollab('{"t":"laser","x":0.1,"y":0.1}')).toBeNull();
    expect(decodeCollab('{"t":"pointer","x":1.5,"y":0.1}')).toBeNull();
    expect(decodeCollab('{"t":"pointer","x":-0.01,"y":0.1}')).toBeNull();
    expect(decodeCollab('{"t":"click","x":"0.1","y":0.1}')).toBeNull();
    expect(decodeCollab('{"t":"pointer","x":0.1}')).toBeNull();
    expect(decodeCollab(`{"t":"pointer_off","pad":"${"x".repeat(COLLAB_MAX_BYTES)}"}`)).toBeNull();
  });
  it("keeps only the known fields", () => {
    expect(decodeCollab('{"t":"pointer","x":0.2,"y":0.4,"extra":true}')).toEqual({ t: "pointer", x: 0.2, y: 0.4 });
  });
});
