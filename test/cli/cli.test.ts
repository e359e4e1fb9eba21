/** The built CLI as a user runs it: exit codes, stdout, stderr, JSON against the committed schema. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { attrNumber } from "../../src/wire/v1/attributes.ts";
import { decodeMessage } from "../../src/wire/v1/message.ts";
import { decodeSa } from "../../src/wire/v1/payloads/sa.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { NotifyType, PayloadType } from "../../src/wire/v1/constants.ts";
import { encodeNotification } from "../../src/wire/v1/payloads/notification.ts";
import { assertValidReport, assertValidScan } from "../helpers/schema.ts";
import { BIN, runCli } from "../helpers/cli.ts";
import { ScriptedGateway } from "../helpers/scripted-gateway.ts";
import { startUdpPeer } from "../helpers/udp-peer.ts";

const dir = mkdtempSync(join(tmpdir(), "ikeprobe-cli-"));

const run = runCli;

describe("ikeprobe CLI", () => {
  test("--help lists the options and the exit codes", async () => {
    const r = await run(["--help"]);
    assert.equal(r.code, 0);
    for (const s of ["--ike", "--trans", "--psk-file", "--id", "--nat-t", "--json", "--pcap", "--keys", "Exit codes", "3  no IKE answer"]) assert.ok(r.stdout.includes(s), s);
  });

  for (const [args, re] of [
    [["198.18.1.1", "--ike", "aes256-sha999-modp2048"], /--ike aes256-sha999-modp2048: unknown algorithm "sha999"/],
    [["198.18.1.1", "--ike", "aes256-sha256"], /needs a DH group/],
    [["198.18.1.1", "--trans", "7/256,5"], /--trans 7\/256,5: expected ike-scan's form/],
    [["198.18.1.1", "--id", "foo"], /--id foo: expected TYPE:VALUE/],
    [["198.18.1.1", "--id", "ipv4:not-an-ip"], /is not an IPv4 address/],
    [["198.18.1.1", "--lifetime", "soon"], /--lifetime soon: expected a duration/],
    [["198.18.1.1", "--nat-t", "maybe"], /nat-t/],
    [["198.18.1.1", "--port", "70000"], /--port 70000: must be a whole number from 1 to 65535/],
    [["198.18.1.1", "--psk-file", "/nonexistent/psk"], /--psk-file \/nonexistent\/psk: cannot read it \(ENOENT\)/],
    [["198.18.1.1", "--frobnicate"], /Unknown argument: frobnicate/],
    [["198.18.1.1", "--esp", "aes128-sha1"], /--esp\/--ah need an authenticated Phase 1: give the PSK/],
    [["198.18.1.1", "--psk", "x", "--esp", "aes128gcm16-sha1"], /AEAD cipher: drop the integrity algorithm/],
    [["198.18.1.1", "--psk", "x", "--esp", "aes128-sha1", "--local-ts", "300.1.1.0/24"], /--local-ts 300\.1\.1\.0\/24: "300\.1\.1\.0\/24" is not a subnet/],
    [["198.18.1.1", "--local-ts", "10.0.0.0/8"], /--local-ts\/--remote-ts apply to Quick Mode: add the proposals with --esp or --ah/],
    [["198.18.1.1", "--psk", "x", "--esp", "aes128-sha1", "--mode", "bridge"], /mode/],
    [[], /gateway's address/],
  ] as const) {
    test(`usage error: ${args.join(" ") || "(no arguments)"}`, async () => {
      const r = await run([...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, "no stack trace");
      assert.equal(r.stdout, "");
    });
  }

  for (const json of [true, false]) {
    test(`a reader that closes standard output (\`| head\`) ends the output, not the run: the command's exit code, no stack trace${json ? " (--json, fast bundle)" : " (tables)"}`, async () => {
      const peer = await startUdpPeer(() => undefined);
      after(() => peer.close());
      const p = spawn(process.execPath, [BIN, "127.0.0.1", "--port", String(peer.port), "--ike", "aes128-sha1-modp2048", "--timeout", "0.2", "--retries", "0", ...(json ? ["--json"] : [])], { stdio: ["ignore", "pipe", "pipe"] });
      p.stdout.destroy();
      let stderr = "";
      p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((res) => p.on("close", res));
      assert.equal(code, 3, stderr);
      assert.doesNotMatch(stderr, /EPIPE|internal error|at .*\.js:\d+/);
    });
  }

  test("no answer at all: exit 3, every offer no-response, valid JSON", async () => {
    const peer = await startUdpPeer(() => undefined);
    after(() => peer.close());
    const t0 = Date.now();
    const r = await run(["127.0.0.1", "--port", String(peer.port), "--ike", "aes128-sha1-modp2048", "--timeout", "0.4", "--retries", "1", "--json"]);
    assert.equal(r.code, 3, r.stderr);
    assert.ok(Date.now() - t0 < 5000, "bounded by --timeout");
    const doc = JSON.parse(r.stdout);
    assertValidReport(doc);
    assert.equal(doc.phase1.offers[0].status, "no-response");
    assert.equal(doc.phase1.offers[0].transmissions, 2);
    assert.equal(peer.received.length, 2, "one retransmission");
    assert.match(doc.warnings.join("\n"), /never answered: check the address/);
  });

  test("a refusal: exit 1, NO-PROPOSAL-CHOSEN in JSON and table; unrelated datagrams are counted", async () => {
    const peer = await startUdpPeer((msg, reply) => {
      reply(Buffer.from("not ike at all"));
      const gw = new ScriptedGateway();
      gw.initiatorCookie = msg.subarray(0, 8);
      reply(gw.notify(NotifyType.NO_PROPOSAL_CHOSEN));
    });
    after(() => peer.close());
    const json = await run(["probe", "127.0.0.1", "--port", String(peer.port), "--ike", "3des-md5-modp1024", "--json"]);
    assert.equal(json.code, 1, json.stderr);
    const doc = JSON.parse(json.stdout);
    assertValidReport(doc);
    assert.deepEqual(
      doc.phase1.offers.map((o: { proposal: string; status: string; notify: string }) => [o.proposal, o.status, o.notify]),
      [["3des-md5-modp1024", "rejected", "NO-PROPOSAL-CHOSEN"]],
    );
    assert.equal(doc.phase1.selected, null);
    assert.equal(doc.identity.status, "not-attempted");
    assert.ok(doc.stats.ignored >= 1);
    const table = await run(["127.0.0.1", "--port", String(peer.port), "--ike", "3des-md5-modp1024"]);
    assert.equal(table.code, 1);
    assert.match(table.stdout, /3des-md5-modp1024 .*rejected .*NO-PROPOSAL-CHOSEN/);
    assert.ok(!table.stdout.includes("\u001b["), "NO_COLOR: no escape codes");
  });

  test("by host name (the bundle's resolver path): localhost -4, the name kept, the address probed", async () => {
    const peer = await startUdpPeer((msg, reply) => {
      const gw = new ScriptedGateway();
      gw.initiatorCookie = msg.subarray(0, 8);
      reply(gw.notify(NotifyType.NO_PROPOSAL_CHOSEN));
    });
    after(() => peer.close());
    const r = await run(["localhost", "-4", "--port", String(peer.port), "--ike", "3des-md5-modp1024", "--json"]);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error/);
    const doc = JSON.parse(r.stdout);
    assertValidReport(doc);
    assert.equal(doc.target.host, "localhost");
    assert.equal(doc.target.address, "127.0.0.1");
    assert.equal(doc.phase1.offers[0].notify, "NO-PROPOSAL-CHOSEN");
    const both = await run(["localhost", "-4", "-6", "--port", String(peer.port)]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--ipv4 and --ipv6 both given: choose one/);
  });

  test("--help wraps at spaces for every command, piped and at any width", async () => {
    for (const cmd of [[], ["scan"], ["check"], ["psk-crack"]]) {
      for (const width of [40, 64, 80, 200]) {
        const r = await run([...cmd, "--help"], { COLUMNS: String(width) });
        assert.equal(r.code, 0, r.stderr);
        const limit = Math.max(40, Math.min(110, width));
        // A word split by the wrapper would leave a line that ends or starts inside one of these.
        for (const word of ["completes", "aes256-sha256-modp2048", "--save-hash", "transforms", "half-open", "candidates"]) {
          const broken = r.stdout.split("\n").some((l, i, all) => {
            const next = all[i + 1]?.trimStart() ?? "";
            return [...Array(word.length - 1).keys()].some((k) => l.endsWith(word.slice(0, k + 1)) && next.startsWith(word.slice(k + 1)) && !l.endsWith(word));
          });
          assert.ok(!broken, `"${word}" split at width ${width} in ${cmd.join(" ") || "probe"} --help`);
        }
        const over = r.stdout.split("\n").filter((l) => l.length > limit && !/^\s*ikeprobe \S/.test(l));
        // Only a word too long for its column may run past the width (whole, never split).
        assert.deepEqual(over.filter((l) => l.trim().split(/\s+/).every((w) => w.length < 15)), [], `lines wider than ${limit}`);
      }
    }
  });

  test("an answer from another source port than the one we sent to is not the gateway's: ignored and counted", async () => {
    const { createSocket } = await import("node:dgram");
    const other = createSocket("udp4");
    await new Promise<void>((res) => other.bind(0, "127.0.0.1", () => res()));
    after(() => other.close());
    const peer = await startUdpPeer((msg, _reply, from) => {
      const gw = new ScriptedGateway();
      gw.initiatorCookie = msg.subarray(0, 8);
      other.send(gw.notify(NotifyType.NO_PROPOSAL_CHOSEN), from.port, from.address);
    });
    after(() => peer.close());
    const r = await run(["127.0.0.1", "--port", String(peer.port), "--ike", "3des-md5-modp1024", "--json", "--timeout", "0.6", "--retries", "1"]);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    assertValidReport(doc);
    assert.equal(doc.phase1.offers[0].status, "no-response");
    assert.equal(doc.stats.ignored, 2, "both answers, from the wrong port, counted as ignored");
  });

  test("a malformed answer is reported as such, never a stack trace", async () => {
    const peer = await startUdpPeer((msg, reply) => reply(Buffer.concat([Buffer.from(msg.subarray(0, 8)), Buffer.alloc(8, 1), Buffer.from("0110020000000000000000ff", "hex"), Buffer.alloc(20)])));
    after(() => peer.close());
    const r = await run(["127.0.0.1", "--port", String(peer.port), "--ike", "aes256-sha256-modp2048", "--json", "--timeout", "1"]);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assertValidReport(doc);
    assert.equal(doc.phase1.offers[0].status, "malformed");
    assert.match(doc.phase1.offers[0].error, /message 2 is malformed/);
  });

  test("full exchange against the scripted gateway: authenticated, keys file, pcap, PSK never printed", async () => {
    const psk = "cli-test-psk-Zq9";
    const gw = new ScriptedGateway(psk);
    gw.natTVid = false;
    const peer = await startUdpPeer((msg, reply) => {
      const stage = msg[16];
      if (msg.subarray(8, 16).equals(Buffer.alloc(8))) return reply(gw.mm2(msg));
      if (stage === 4) return reply(gw.mm4(msg));
      if (stage === 5 && (msg[19]! & 1) === 1 && msg[18] === 2) {
        gw.readMm5(msg);
        return reply(gw.mm6());
      }
    });
    after(() => peer.close());
    const pskFile = join(dir, "psk.txt");
    writeFileSync(pskFile, `${psk}\n`);
    const keys = join(dir, "keys.txt");
    const pcap = join(dir, "x.pcap");
    const r = await run(["127.0.0.1", "--port", String(peer.port), "--ike", "aes128-sha256-ecp256", "--psk-file", pskFile, "--id", "fqdn:client.example", "--json", "--show-keys", "--keys", keys, "--pcap", pcap]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const doc = JSON.parse(r.stdout);
    assertValidReport(doc);
    assert.equal(doc.identity.status, "authenticated");
    assert.deepEqual(doc.identity.local, { type: "fqdn", value: "client.example" });
    assert.deepEqual(doc.identity.remote, { type: "fqdn", value: "gw.example" });
    assert.deepEqual(
      { encryption: doc.phase1.selected.encryption, hash: doc.phase1.selected.hash, auth: doc.phase1.selected.auth, group: doc.phase1.selected.group, lifetimeSeconds: doc.phase1.selected.lifetimeSeconds },
      { encryption: "aes128", hash: "sha256", auth: "psk", group: "ecp256", lifetimeSeconds: 28800 },
    );
    assert.equal(doc.cleanup.deleted, true);
    assert.equal(doc.phase1.keys.encryptionKey, gw.keys!.encryptionKey.toString("hex"));
    // Wireshark's own ikev1_decryption_table file: one record per line, bare hex fields, nothing else.
    assert.equal(readFileSync(keys, "utf8"), `${doc.phase1.cookies.initiator},${doc.phase1.keys.encryptionKey}\n`);
    const hexPsk = Buffer.from(psk).toString("hex");
    for (const [what, text] of [["stdout", r.stdout], ["stderr", r.stderr], ["keys", readFileSync(keys, "latin1")], ["pcap", readFileSync(pcap, "latin1")], ["pcap hex", readFileSync(pcap).toString("hex")]] as const) {
      assert.ok(!text.includes(psk) && !text.includes(hexPsk), `PSK in ${what}`);
    }
  });

  test("Quick Mode against the scripted gateway: commit bit and CONNECTED, ESP key lines, exit 0", async () => {
    const psk = "cli-qm-psk";
    const gw = new ScriptedGateway(psk);
    gw.natTVid = false;
    const seen = new Set<number>();
    const peer = await startUdpPeer((msg, reply) => {
      const exch = msg[18];
      if (msg.subarray(8, 16).equals(Buffer.alloc(8))) return reply(gw.mm2(msg));
      if (exch === 2 && msg[16] === 4) return reply(gw.mm4(msg));
      if (exch === 2) {
        gw.readMm5(msg);
        return reply(gw.mm6());
      }
      if (exch === 32) {
        const mid = msg.readUInt32BE(20);
        if (!seen.has(mid)) {
          seen.add(mid);
          return reply(gw.qm2(msg, { commit: true }).message);
        }
        // Quick Mode message 3: the SA is committed; say CONNECTED.
        const n = encodeNotification({ doi: 1, protocolId: 3, notifyType: NotifyType.CONNECTED, spi: Buffer.from("0a0b0c0d", "hex"), data: Buffer.alloc(0) });
        reply(gw.informational([{ type: PayloadType.NOTIFICATION, body: n }]));
        // And a Quick Mode of its own, which ikeprobe reports and does not answer.
        return reply(gw.ownQuickMode());
      }
    });
    after(() => peer.close());
    const keys = join(dir, "qm-keys.txt");
    const espKeys = join(dir, "qm-esp-keys.txt");
    const r = await run(["127.0.0.1", "--port", String(peer.port), "--ike", "aes256-sha256-modp2048", "--esp", "aes128-sha256", "--local-ts", "203.0.113.0/24", "--remote-ts", "198.51.100.0/24", "--keys", keys, "--esp-keys", espKeys, "--json"], { IKEPROBE_PSK: psk });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const doc = JSON.parse(r.stdout);
    assertValidReport(doc);
    const sa = doc.phase2.proposals[0].sa;
    assert.equal(sa.commitBit, true);
    assert.equal(sa.connected, true);
    assert.equal(sa.spiOut, "0a0b0c0d");
    assert.equal(sa.encapsulation, "tunnel");
    assert.equal(sa.keys, undefined, "keys only with --show-keys");
    assert.ok(doc.informational.some((i: { notifies: { name: string }[] }) => i.notifies.some((n) => n.name === "CONNECTED")));
    assert.deepEqual(doc.unsolicited, [
      { exchange: "Quick Mode", exchangeType: 32, messageId: 0x0badcafe, verified: true, detail: "the gateway started a Quick Mode of its own (message ID 0x0badcafe, HASH(1) verified): not answered, ikeprobe only initiates" },
    ]);
    assert.equal(doc.stats.ignored, 0);
    assert.match(readFileSync(keys, "utf8"), /^[0-9a-f]{16},[0-9a-f]{64}\n$/, "--keys: the ISAKMP SA only");
    const esp = readFileSync(espKeys, "utf8").split("\n");
    assert.equal(esp.pop(), "", "ends with a newline");
    assert.equal(esp.length, 2);
    for (const l of esp) assert.equal(l.split('","').length, 8, l);
    assert.ok(esp.some((l) => l.startsWith('"IPv4","127.0.0.1","127.0.0.1","0x0a0b0c0d","AES-CBC [RFC3602]","0x') && l.includes('"HMAC-SHA-256-128 [RFC4868]","0x')));
  });

  for (const json of [true, false]) {
    test(`Ctrl-C during a long scan prints the report for what is known, the rest unknown, exit 130 (${json ? "JSON" : "table"})`, async () => {
      // Accepts the first message 1 (its first transform), then falls silent: the scan waits out
      // the gateway's half-open SAs (30 s), and is interrupted while it waits.
      let answered = false;
      const peer = await startUdpPeer((msg, reply) => {
        if (answered || msg[18] !== 2) return;
        answered = true;
        const gw = new ScriptedGateway();
        reply(gw.mm2(msg, (chosen) => (chosen.proposals[0]!.transforms = [chosen.proposals[0]!.transforms[0]!])));
      });
      after(() => peer.close());
      const p = spawn(process.execPath, [BIN, "scan", "127.0.0.1", "--port", String(peer.port), "--catalogue", "common", "--no-ikev2", "--timeout", "0.3", ...(json ? ["--json"] : [])], { env: { ...process.env, NO_COLOR: "1" } });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const t0 = Date.now();
      const code = await new Promise<number | null>((res) => {
        setTimeout(() => p.kill("SIGINT"), 2500);
        p.on("close", (c) => res(c));
      });
      assert.equal(code, 130, stderr);
      assert.ok(Date.now() - t0 < 10_000, "it stopped at once, not after the 30 s wait");
      assert.match(stderr, /interrupted/);
      if (json) {
        const doc = JSON.parse(stdout);
        assertValidScan(doc);
        const t = doc.targets[0];
        assert.equal(t.status, "incomplete");
        assert.equal(t.mainMode.accepted.length, 1, "what was found is kept");
        assert.equal(t.mainMode.accepted.length + t.mainMode.unknown.length + t.mainMode.rejectedCount + t.mainMode.dropped.length, 54);
        assert.match(t.warnings.join("\n"), /interrupted \(Ctrl-C\)/);
      } else {
        assert.match(stdout, /Main Mode: 1 accepted, 0 refused, 53 unknown/);
        assert.match(stdout, /warning: interrupted \(Ctrl-C\)/);
      }
    });
  }

  test("scan against a scripted gateway: JSON, JSONL, table, exit codes", async () => {
    // Accepts exactly aes256-sha256-modp2048 and 3des-sha1-modp1024 (any auth), refuses the rest.
    const ok = new Set(["7/256/4/14", "5/0/2/2"]);
    const peer = await startUdpPeer((msg, reply) => {
      const gw = new ScriptedGateway();
      if (msg[18] !== 2) return; // IKEv2 and Aggressive Mode: silence
      const saP = decodeMessage(msg).payloads.find((p) => p.type === PayloadType.SA);
      if (saP === undefined) {
        // The scan's message 3 with an all-zero KE: refuse it, as a gateway must, and forget the exchange.
        gw.initiatorCookie = msg.subarray(0, 8);
        return reply(gw.notify(NotifyType.INVALID_KEY_INFORMATION));
      }
      const sa = decodeSa(saP.body);
      const ts = sa.proposals[0]!.transforms;
      const pick = ts.find((t) => ok.has([1, 14, 2, 4].map((k) => attrNumber(t.attributes, k) ?? 0).join("/")));
      if (pick === undefined) {
        gw.initiatorCookie = msg.subarray(0, 8);
        return reply(gw.notify(NotifyType.NO_PROPOSAL_CHOSEN));
      }
      reply(gw.mm2(msg, (chosen) => (chosen.proposals[0]!.transforms = [pick])));
    });
    after(() => peer.close());
    const dir2 = mkdtempSync(join(tmpdir(), "ikeprobe-scan-"));
    const cat = join(dir2, "cat.txt");
    writeFileSync(cat, "aes128-aes256-sha1-sha256-modp1024-modp2048 psk rsa\n3des-sha1-modp1024\n");
    const r = await run(["scan", "127.0.0.1", "--port", String(peer.port), "--catalogue", cat, "--no-ikev2", "--json", "--timeout", "0.5"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assertValidScan(doc);
    const t = doc.targets[0];
    assert.deepEqual(t.mainMode.accepted.map((a: { proposal: string; auth: string }) => `${a.proposal}/${a.auth}`).sort(), ["3des-sha1-modp1024/psk", "aes256-sha256-modp2048/psk", "aes256-sha256-modp2048/rsa"]);
    assert.equal(t.mainMode.rejectedCount, 17 - 3);
    assert.equal(t.mainMode.accepted.find((a: { proposal: string }) => a.proposal === "3des-sha1-modp1024").severity, "HIGH");
    assert.ok(t.stats.exchanges <= 8, `${t.stats.exchanges} exchanges`);
    assert.equal(t.stats.halfOpenReleased, 3, "every accepted exchange released at once");
    const tfile = join(dir2, "targets.txt");
    writeFileSync(tfile, "# two targets, concurrently\n127.0.0.1\n127.0.0.1  # the same one twice\n");
    const jl = await run(["scan", "--targets", tfile, "--port", String(peer.port), "--catalogue", cat, "--no-ikev2", "--jsonl", "--timeout", "0.5"]);
    const lines = jl.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 2, "one JSON line per target");
    assert.deepEqual(lines.map((l) => l.target.host), ["127.0.0.1", "127.0.0.1"]);
    for (const l of lines) assert.equal(l.mainMode.accepted.length, 3);
    const tb = await run(["scan", "127.0.0.1", "--port", String(peer.port), "--catalogue", cat, "--no-ikev2", "--timeout", "0.5"]);
    assert.match(tb.stdout, /Main Mode: 3 accepted, 14 refused, 0 unknown/);
    assert.match(tb.stdout, /HIGH .*3des-sha1-modp1024/);
    // A target that never answers: unknown, never refused; exit 3.
    const silent = await startUdpPeer(() => undefined);
    after(() => silent.close());
    const s2 = await run(["scan", "127.0.0.1", "--port", String(silent.port), "--catalogue", cat, "--no-ikev2", "--json", "--timeout", "0.3", "--retries", "0", "--half-open-timeout", "0"]);
    assert.equal(s2.code, 3, s2.stderr);
    assertValidScan(JSON.parse(s2.stdout));
    const st = JSON.parse(s2.stdout).targets[0];
    assert.equal(st.status, "no-answer");
    assert.equal(st.mainMode.rejectedCount, 0);
    assert.equal(st.mainMode.unknown.length, 17);
  });

  for (const [args, re] of [
    [["scan"], /give at least one target/],
    [["scan", "198.18.1.1", "--catalogue", "/nonexistent"], /--catalogue \/nonexistent: cannot read it \(ENOENT\); use full, common or a file/],
    [["scan", "198.18.1.0/8"], /more than a \/16: give --rate explicitly/],
    [["scan", "198.18.1.0/24", "--rate", "0"], /--rate 0 \(no limit\) is refused for the discovery of a network/],
    [["scan", "198.18.1.1", "--shard", "1/2"], /--shard applies to the discovery of networks/],
    [["scan", "198.18.1.1", "--json", "--jsonl"], /--json and --jsonl: choose one/],
    [["check", "198.18.1.1"], /--policy FILE is required/],
    [["scan", "--targets", "/nonexistent-targets"], /--targets \/nonexistent-targets: cannot read it \(ENOENT\)/],
    [["check", "198.18.1.1", "--policy", "/nonexistent.json"], /--policy \/nonexistent\.json: cannot read it/],
  ] as const) {
    test(`usage error: ${args.join(" ")}`, async () => {
      const r = await run([...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, re);
    });
  }

  test("--psk warns on stderr that the key is visible", async () => {
    const peer = await startUdpPeer(() => undefined);
    after(() => peer.close());
    const r = await run(["127.0.0.1", "--port", String(peer.port), "--psk", "x", "--timeout", "0.2", "--retries", "0", "--ike", "aes128-sha1-modp2048"]);
    assert.match(r.stderr, /--psk shows the key in the process list/);
  });
});
