/**
 * Every citation stays inside the repository: the code, tests, benchmarks and documents cite RFCs,
 * public specifications or files of this repository, never notes that are not in it (the
 * developers' protocol digests, their lab notes or issue numbers). And every relative link of the
 * documents leads to a file that exists.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";

const ROOT = resolve(import.meta.dirname, "..");
const SELF = relative(ROOT, import.meta.filename);

function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((f) => {
    const p = join(dir, f);
    return statSync(join(ROOT, p)).isDirectory() ? walk(p) : [p];
  });
}

const TEXT = /\.(ts|mts|mjs|cjs|js|md|json|sh|yml|py)$/;
const FILES = [...["src", "test", "bench", "docs", "examples", "bin", ".ci"].filter((d) => existsSync(join(ROOT, d))).flatMap(walk), "README.md", "CONTRIBUTING.md", "package.json"]
  .filter((f) => (TEXT.test(f) || f === ".ci/run") && f !== SELF && existsSync(join(ROOT, f)));

// Spelled in pieces, so that this file does not name them itself.
const OUTSIDE = [
  ["IKEV1", ".md"],
  ["IKEV2", ".md"],
  ["TESTBED", ".md"],
  ["STYLE", ".md"],
  ["../", "shared"],
  ["shared", "/"],
].map(([a, b]) => `${a}${b}`);
/** "issue 11", "Issue #3", "issues 4": a number of the tracker. */
const ISSUE = new RegExp(["\\b[Ii]ssue", "s?\\s+#?\\d+"].join(""));

test("no file cites the developers' notes outside the repository", () => {
  const bad = FILES.flatMap((f) => {
    const text = readFileSync(join(ROOT, f), "utf8");
    return OUTSIDE.filter((name) => text.includes(name)).map((name) => `${f}: ${name}`);
  });
  assert.deepEqual(bad, []);
});

test("no file cites an issue number (the tracker is not part of the repository)", () => {
  const bad = FILES.filter((f) => ISSUE.test(readFileSync(join(ROOT, f), "utf8")));
  assert.deepEqual(bad, []);
});

test("every relative link of the documents leads to a file of the repository", () => {
  const docs = FILES.filter((f) => f.endsWith(".md"));
  assert.ok(docs.includes("README.md") && docs.includes("CONTRIBUTING.md") && docs.includes("docs/architecture.md") && docs.includes("bench/README.md"));
  const bad = docs.flatMap((f) =>
    [...readFileSync(join(ROOT, f), "utf8").matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1]!)
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => !existsSync(resolve(ROOT, dirname(f), target)))
      .map((target) => `${f} -> ${target}`),
  );
  assert.deepEqual(bad, []);
});

/** GitHub's anchor for a heading: lower case, punctuation but hyphens dropped, spaces as hyphens. */
function slug(heading: string): string {
  // GitHub's slugs keep letters, digits, connector punctuation (the underscore) and hyphens.
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\p{Pc}\s-]/gu, "").replace(/\s/g, "-");
}

test("every link to a section of a document names a heading it has", () => {
  const docs = FILES.filter((f) => f.endsWith(".md"));
  const anchors = (f: string): Set<string> => new Set([...readFileSync(join(ROOT, f), "utf8").matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]!)));
  const bad = docs.flatMap((f) =>
    [...readFileSync(join(ROOT, f), "utf8").matchAll(/\]\(([^)\s#]*)#([^)\s]+)\)/g)].flatMap((m) => {
      const target = m[1] === "" ? f : relative(ROOT, resolve(ROOT, dirname(f), m[1]!));
      return target.endsWith(".md") && !anchors(target).has(m[2]!) ? [`${f} -> ${m[1]}#${m[2]}`] : [];
    }),
  );
  assert.deepEqual(bad, []);
});

test("the checks above see what they look for (on made-up text)", () => {
  assert.equal(slug("Debugging a PSK mismatch: `--diagnose`"), "debugging-a-psk-mismatch---diagnose");
  assert.equal(slug("IKEv2: IKE_AUTH with a PSK"), "ikev2-ike_auth-with-a-psk");
  assert.equal(slug("Certificates: signature authentication and the gateway's certificate audited"), "certificates-signature-authentication-and-the-gateways-certificate-audited");
  assert.ok(OUTSIDE.some((n) => `see ${"IKEV1"}.md §3`.includes(n)));
  assert.ok(ISSUE.test(`(${"issue"} 11)`) && !ISSUE.test("the issues it finds"));
});
