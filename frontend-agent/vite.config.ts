import { defineConfig } from "vite";

// The agent console, served by vc-server at /agent/.
const shared = decodeURIComponent(new URL("../frontend-shared/src", import.meta.url).pathname);
const backend = "http://127.0.0.1:8080";

export default defineConfig({
  base: "/agent/",
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
