/**
 * The certificate options as a user meets them (the built CLI, no gateway needed): an encrypted key
 * with its passphrase file, a wrong or missing passphrase, a key that is not the certificate's, a
 * key that does not fit --auth, options that need a signature method; the key and passphrase never
 * in stdout or stderr. Certificates made here with strongSwan's pki.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Issued, issue, makeCa } from "../lab/pki.ts";
import { packageSkipReason } from "../lab/require.ts";
import { runCli } from "../helpers/cli.ts";

const skip = packageSkipReason("strongswan-pki", "pki");
const PASSPHRASE = "demo-Passphrase-7q";

describe("certificate options", { skip }, () => {
  let dir: string;
  let rsa: Issued;
  let ec: Issued;
  let encrypted: string;
  const file = (name: string, text: string): string => {
    const f = join(dir, name);
    writeFileSync(f, text, { mode: 0o600 });
    return f;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ikeprobe-cli-pki-"));
    const ca = makeCa(dir, "ca", "C=XX, O=Lab, CN=Lab Root CA");
    rsa = issue(dir, ca, "rsa", "C=XX, O=Lab, CN=rsa.example", { sans: ["rsa.example"] });
    ec = issue(dir, ca, "ec", "C=XX, O=Lab, CN=ec.example", { sans: ["ec.example"], type: "ecdsa", size: 256 });
    encrypted = join(dir, "rsa-enc.key");
    const r = spawnSync("openssl", ["pkey", "-in", rsa.keyFile, "-aes256", "-passout", `pass:${PASSPHRASE}`, "-out", encrypted]);
    assert.equal(r.status, 0, r.stderr.toString());
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const probe = (extra: string[]) => runCli(["127.0.0.1", "--ike", "aes256-sha256-modp2048", "--auth", "rsa", "--timeout", "0.2", "--retries", "0", "--json", ...extra]);
  const secretsAbsent = (out: string): void => {
    assert.ok(!out.includes(PASSPHRASE), "the passphrase is not printed");
    assert.ok(!out.includes("PRIVATE KEY"), "no key is printed");
    for (const line of readFileSync(rsa.keyFile, "utf8").split("\n").filter((l) => l.length > 40)) assert.ok(!out.includes(line), "no line of the key is printed");
  };

  test("an encrypted key opens with --key-passphrase-file; the probe runs (no gateway here: exit 3)", async () => {
    const r = await probe(["--cert", rsa.certFile, "--key", encrypted, "--key-passphrase-file", file("pass", `${PASSPHRASE}\n`)]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).phase1.offers[0].status, "no-response");
    secretsAbsent(r.stdout + r.stderr);
  });

  test("an encrypted key without its passphrase, or with a wrong one: a usage error naming the option", async () => {
    const none = await probe(["--cert", rsa.certFile, "--key", encrypted]);
    assert.equal(none.code, 2);
    assert.match(JSON.parse(none.stdout).error.message, /the key is encrypted; give its passphrase with --key-passphrase-file FILE/);
    const wrong = await probe(["--cert", rsa.certFile, "--key", encrypted, "--key-passphrase-file", file("wrong", "not-it\n")]);
    assert.equal(wrong.code, 2);
    assert.match(JSON.parse(wrong.stdout).error.message, /the passphrase in --key-passphrase-file does not decrypt it/);
    secretsAbsent(none.stdout + none.stderr + wrong.stdout + wrong.stderr);
  });

  test("a key that is not the certificate's, a key that does not fit --auth, one without the other", async () => {
    const other = await probe(["--cert", rsa.certFile, "--key", ec.keyFile]);
    assert.equal(other.code, 2);
    assert.match(JSON.parse(other.stdout).error.message, /does not belong to --cert/);
    const fit = await probe(["--cert", ec.certFile, "--key", ec.keyFile]);
    assert.match(JSON.parse(fit.stdout).error.message, /--auth rsa does not fit --key .*an ec key cannot make RSA signatures.*offer --auth ecdsa256/);
    const half = await probe(["--cert", rsa.certFile]);
    assert.match(JSON.parse(half.stdout).error.message, /--cert needs our private key: add --key FILE/);
    const notCert = await probe(["--cert", rsa.keyFile, "--key", rsa.keyFile]);
    assert.match(JSON.parse(notCert.stdout).error.message, /no PEM certificate in it/);
    secretsAbsent(other.stdout + fit.stdout + half.stdout + notCert.stdout + notCert.stderr);
  });

  test("certificate options with a PSK method are usage errors that name the option and the fix", async () => {
    const r = await runCli(["127.0.0.1", "--ca", rsa.certFile, "--json"]);
    assert.equal(r.code, 2);
    assert.match(JSON.parse(r.stdout).error.message, /--ca applies to signature authentication: offer it with --auth rsa/);
    const frag = await runCli(["127.0.0.1", "--fragment-size", "100", "--json"]);
    assert.equal(frag.code, 2);
    assert.match(JSON.parse(frag.stdout).error.message, /--fragment-size 100: must be a whole number from 576 to 65535/);
  });
});
