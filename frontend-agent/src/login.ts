// The sign-in form.

import type { StaffSession } from "@shared/api";
import { t } from "@shared/i18n";
import { signInForm } from "@shared/signin";

export function loginView(onSignedIn: (s: StaffSession) => void, notice: string | null = null): HTMLElement {
  return signInForm(onSignedIn, { title: t("login.title"), notice });
}
