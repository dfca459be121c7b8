import { defineConfig } from "vite";

// Served by vc-server at /c/: every path under /c/ gets this index.html, and
// the page reads the link token from location.pathname (/c/<token>).
const shared = decodeURIComponent(new URL("../frontend-shared/src", import.meta.url).pathname);
const backend = "http://127.0.0.1:8080";

export default defineConfig({
  base: "/c/",
  resolve: {
    alias: { "@shared": shared },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
  },
  server: {
    proxy: {
      "/api": { target: backend, ws: true },
      "/media": { target: backend, ws: true },
    },
  },
});
