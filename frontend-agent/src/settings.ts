// What the console needs of the admins' settings, read when a form opens (a
// change by an admin shows the next time): the call functions
// (`GET /api/settings/features`) and the custom fields
// (`GET /api/settings/custom-fields`). An unreadable answer leaves every
// function on and no fields (the server still refuses what is off) and is
// reported.

import type { CustomFieldDef, CustomFieldsSettings, FeatureSettings } from "@shared/protocol";
import { api } from "@shared/api";
import { errorText } from "@shared/errors";
import { ALL_FEATURES, featuresOf } from "@shared/features";

export interface ConsoleSettings {
  features: FeatureSettings;
  fields: CustomFieldDef[];
  /** Why a part could not be read (in words), if any. */
  problem: string | null;
}

export async function loadSettings(): Promise<ConsoleSettings> {
  const [features, fields] = await Promise.allSettled([
    api<FeatureSettings>("GET", "/api/settings/features"),
    api<CustomFieldsSettings>("GET", "/api/settings/custom-fields"),
  ]);
  const failed = [features, fields].find((r): r is PromiseRejectedResult => r.status === "rejected");
  return {
    features: features.status === "fulfilled" ? featuresOf(features.value) : { ...ALL_FEATURES },
    fields: fields.status === "fulfilled" && Array.isArray(fields.value?.fields) ? fields.value.fields : [],
    problem: failed ? errorText(failed.reason) : null,
  };
}

/** The custom field definitions alone (the panel's box). */
export async function loadFields(): Promise<CustomFieldDef[]> {
  const answer = await api<CustomFieldsSettings>("GET", "/api/settings/custom-fields");
  return Array.isArray(answer?.fields) ? answer.fields : [];
}
