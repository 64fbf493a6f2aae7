// The officers' workbench (/workbench/) and the public disclosure page (/public/): Vue 3 and
// Element Plus from npm (pinned by package-lock.json), built by Vite into the reporting
// package (src/lode_reporting/web/app/), which serves them. Everything a page loads is in
// that folder: nothing comes from the internet at run time, and nothing is compiled in the
// browser (templates are compiled here, so the Content-Security-Policy needs no 'unsafe-eval').
import { fileURLToPath, URL } from "node:url";

import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "/reporting/app/",
  publicDir: false,
  plugins: [vue()],
  resolve: { alias: { "@": here("src") } },
  build: {
    outDir: here("../src/lode_reporting/web/app"),
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        workbench: here("workbench/index.html"),
        public: here("public/index.html"),
      },
    },
  },
});
