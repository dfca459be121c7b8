import { describe, expect, it } from "vitest";
import { dayStart, filterParams, filterProblem, isoDay, lastWeek, type ReportFilters } from "./reportquery";

const f = (extra: Partial<ReportFilters> = {}): ReportFilters => ({
  from: "",
  to: "",
  agentId: "",
  teamId: "",
  status: "",
  quality: "",
  phone: "",
  fieldKey: "",
  fieldValue: "",
  ...extra,
});

describe("lastWeek", () => {
  it("is the 7 days ending today", () => {
    expect(lastWeek(new Date(2026, 2, 3, 15, 0))).toEqual({ from: "2026-02-25", to: "2026-03-03" });
    expect(isoDay(new Date(2026, 0, 9))).toBe("2026-01-09");
  });
});

describe("filterParams", () => {
  it("sends whole local days, the end inclusive", () => {
    const q = filterParams(f({ from: "2026-03-01", to: "2026-03-03" }));
    expect(q.from).toBe(new Date(2026, 2, 1).toISOString());
    expect(q.to).toBe(new Date(2026, 2, 4).toISOString());
  });

  it("leaves out empty filters and sends a field only with its value", () => {
    expect(filterParams(f({ fieldKey: "contract" }))).toEqual({
      from: undefined,
      to: undefined,
      agent_id: undefined,
      team_id: undefined,
      status: undefined,
      quality: undefined,
      phone: undefined,
      field_key: undefined,
      field_value: undefined,
    });
    const q = filterParams(f({ agentId: "a1", quality: "poor", phone: " +7 999 ", fieldKey: "contract", fieldValue: " A-1 " }));
    expect(q).toMatchObject({ agent_id: "a1", quality: "poor", phone: "+7 999", field_key: "contract", field_value: "A-1" });
  });

  it("refuses an inverted range and a value without a field", () => {
    expect(filterProblem(f({ from: "2026-03-05", to: "2026-03-01" }))).toBe("range");
    expect(filterProblem(f({ fieldValue: "x" }))).toBe("field");
    expect(filterProblem(f({ from: "2026-03-01", to: "2026-03-01" }))).toBeNull();
    expect(dayStart("not a day")).toBeNull();
  });
});
