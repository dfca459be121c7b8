// What the agent page keeps in sessionStorage: each interaction's client link
// (the server returns the long one only when it is created or renewed; the
// short one comes with every read) and the interaction open in the panel, so
// a reload lands back in it.

const LINK_PREFIX = "va.agent.link.";
const SHORT_PREFIX = "va.agent.short.";
const CURRENT_KEY = "va.agent.current";

function read(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // storage full or disabled: the link is still on screen
  }
}

export const links = {
  get: (interactionId: string): string | null => read(LINK_PREFIX + interactionId),
  set: (interactionId: string, url: string): void => write(LINK_PREFIX + interactionId, url),
};

export const shortLinks = {
  get: (interactionId: string): string | null => read(SHORT_PREFIX + interactionId),
  set: (interactionId: string, url: string): void => write(SHORT_PREFIX + interactionId, url),
};

export const current = {
  get: (): string | null => read(CURRENT_KEY),
  set: (interactionId: string | null): void => write(CURRENT_KEY, interactionId),
};
