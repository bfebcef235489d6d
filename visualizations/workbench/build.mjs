// Builds dist/ (served by `jiandu serve` at /): one script, one style sheet, the page.
// The output depends only on the sources and the locked packages, so a rebuild matches what is committed.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";

const out = process.argv[2] || "dist";
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome109", "firefox115", "safari16"],
  legalComments: "eof",
  outfile: `${out}/workbench.js`,
  logLevel: "warning",
});
copyFileSync("src/style.css", `${out}/workbench.css`);
copyFileSync("src/index.html", `${out}/index.html`);
