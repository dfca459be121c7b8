// Errors in words: the panel's own codes first (taken login, last admin,
// bad image...), then the shared ones.

import { ApiError } from "@shared/api";
import { errorText as sharedErrorText } from "@shared/errors";
import { isAdminKey, ta } from "./messages";

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const key = `aerr.${err.code}`;
    if (isAdminKey(key)) return ta(key, { message: err.message });
  }
  return sharedErrorText(err);
}
