// Copies the browser assets of the API docs page (/<service>/docs: Swagger UI) from
// node_modules into the Python package's static folder
// (libs/common/src/lode_common/static/vendor/), so the page loads nothing from the internet
// at run time. Run by `make assets` (and the images' docs-assets stage) after `npm ci`.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "..", "src", "lode_common", "static", "vendor");

// [package, file inside the package, name in vendor/]
const ASSETS = [
  ["swagger-ui-dist", "swagger-ui-bundle.js", "swagger-ui-bundle.js"],
  ["swagger-ui-dist", "swagger-ui.css", "swagger-ui.css"],
  ["swagger-ui-dist", "favicon-32x32.png", "swagger-ui-favicon.png"],
  ["swagger-ui-dist", "LICENSE", "swagger-ui.LICENSE.txt"],
  ["swagger-ui-dist", "NOTICE", "swagger-ui.NOTICE.txt"],
  ["swagger-ui-dist", "swagger-ui-bundle.js.LICENSE.txt", "swagger-ui-bundle.js.LICENSE.txt"],
];
// The source maps are not shipped: drop the comments that would make a browser ask for them.
const SOURCE_MAP = /\n?\/[*/]# sourceMappingURL=\S+(?: \*\/)?\s*$/;

mkdirSync(vendor, { recursive: true });
const versions = {};
for (const [pkg, file, name] of ASSETS) {
  const root = join(here, "node_modules", pkg);
  const target = join(vendor, name);
  if (/\.(js|css)$/.test(name)) {
    writeFileSync(target, readFileSync(join(root, file), "utf8").replace(SOURCE_MAP, "\n"));
  } else {
    copyFileSync(join(root, file), target);
  }
  versions[pkg] = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
}
writeFileSync(join(vendor, "versions.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`API docs assets copied to ${vendor}:`, versions);
