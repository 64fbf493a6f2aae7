// Copies the browser assets the dashboard uses from node_modules into the Python package's
// static folder (services/reporting/src/lode_reporting/web/static/vendor/), so the page
// loads nothing from the internet at run time. Run by `make assets` after `npm ci`.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "..", "src", "lode_reporting", "web", "static", "vendor");

// [package, file inside the package, name in vendor/]
const ASSETS = [
  ["echarts", "dist/echarts.min.js", "echarts.min.js"],
  ["echarts", "LICENSE", "echarts.LICENSE.txt"],
];

mkdirSync(vendor, { recursive: true });
const versions = {};
for (const [pkg, file, name] of ASSETS) {
  const root = join(here, "node_modules", pkg);
  copyFileSync(join(root, file), join(vendor, name));
  versions[pkg] = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
}
writeFileSync(join(vendor, "versions.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`vendor assets copied to ${vendor}:`, versions);
