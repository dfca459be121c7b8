import { describe, expect, it } from "vitest";
import { locationState, photoState } from "./requests";

describe("request states", () => {
  it("tells the location request's state", () => {
    expect(locationState(null, false)).toBe("none");
    expect(locationState(null, true)).toBe("received");
    expect(locationState({ id: "a", what: "location", seq: 1 }, true)).toBe("waiting");
    expect(locationState({ id: "a", what: "location", seq: 1, outcome: "done" }, true)).toBe("received");
    expect(locationState({ id: "a", what: "location", seq: 1, outcome: "declined" }, false)).toBe("declined");
    expect(locationState({ id: "a", what: "location", seq: 1, outcome: "unavailable" }, false)).toBe("unavailable");
  });
  it("tells the photo request's state", () => {
    expect(photoState(null)).toBe("none");
    expect(photoState({ id: "p", what: "photo", seq: 2 })).toBe("waiting");
    expect(photoState({ id: "p", what: "photo", seq: 2, outcome: "done" })).toBe("done");
    expect(photoState({ id: "p", what: "photo", seq: 2, outcome: "failed" })).toBe("failed");
  });
});
