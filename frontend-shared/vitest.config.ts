import { defineConfig } from "vitest/config";

// Unit tests of the pure modules of both frontends. Run from the repository
// root (`npm test`); paths are relative to it.
const repoRoot = decodeURIComponent(new URL("..", import.meta.url).pathname);

export default defineConfig({
  root: repoRoot,
  resolve: {
    alias: { "@shared": `${repoRoot}frontend-shared/src` },
  },
  test: {
    include: ["frontend-shared/src/**/*.test.ts", "frontend-agent/src/**/*.test.ts", "frontend-client/src/**/*.test.ts", "admin-panel/src/**/*.test.ts"],
    environment: "node",
  },
});
