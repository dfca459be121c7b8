// The link token from the page path: the link is `<origin>/c/<token>`. Pure.

const TOKEN_RE = /^[A-Za-z0-9_-]{8,512}$/;

/** The token after `base` (e.g. "/c/") in `pathname`, or null when there is none. */
export function linkTokenFrom(pathname: string, base: string): string | null {
  const prefix = base.endsWith("/") ? base : `${base}/`;
  let rest: string;
  if (pathname.startsWith(prefix)) rest = pathname.slice(prefix.length);
  else return null;
  const segment = rest.split("/").find((s) => s !== "") ?? "";
  let token: string;
  try {
    token = decodeURIComponent(segment);
  } catch {
    return null;
  }
  return TOKEN_RE.test(token) ? token : null;
}
