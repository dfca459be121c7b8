import { defineConfig } from "vite";

// The admin panel, served by the all-in-one at /admin/.
const shared = decodeURIComponent(new URL("../frontend-shared/src", import.meta.url).pathname);
const backend = "http://127.0.0.1:8080";

export default defineConfig({
  base: "/admin/",
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
    },
  },
});
