/**
 * ESP that a lab gateway encrypts over an SA we set up, decrypted by tshark with our --esp-keys file:
 * a capture on the client's side of the wire while the probe holds the SA, three datagrams from the
 * gateway's selector (198.51.100.1) to ours (203.0.113.1:9), which kernel-libipsec encrypts and
 * sends to us in UDP (NAT-T), then tshark with and without our keys.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import type { Lab } from "../lab/lab.ts";
import { type Run, sasWhen } from "./e2e.ts";
import { tsharkWithLines, tsharkWithProfile } from "./tshark.ts";

/** Runs the probe (which must --hold its SA) while capturing, sends the gateway's traffic once its SA is installed, and returns the probe's run. */
export async function captureGatewayEsp(lab: Lab, pcap: string, start: () => { done: Promise<Run> }): Promise<Run> {
  const cap = spawn("ip", ["netns", "exec", lab.clientNs, "tshark", "-ni", "cl0", "-w", pcap, "-f", "udp port 4500 or udp port 500", "-q"], { stdio: ["ignore", "ignore", "pipe"] });
  let capErr = "";
  cap.stderr!.on("data", (d: Buffer) => (capErr += d.toString()));
  for (let i = 0; i < 100 && !/Capturing on/.test(capErr); i++) await new Promise((r) => setTimeout(r, 50));
  const { done } = start();
  await sasWhen(lab, (t) => t.includes("INSTALLED"), 4000);
  const send = `const s=require("dgram").createSocket("udp4");s.bind(0,"198.51.100.1",async()=>{for(let i=0;i<3;i++){s.send("ikeprobe-esp-"+i,9,"203.0.113.1");await new Promise(r=>setTimeout(r,100))}s.close()})`;
  const sent = spawnSync("ip", ["netns", "exec", lab.gwNs, process.execPath, "-e", send], { encoding: "utf8" });
  assert.equal(sent.status, 0, sent.stderr);
  const r = await done;
  await new Promise((res) => setTimeout(res, 300));
  cap.kill("SIGINT");
  await new Promise((res) => cap.once("exit", res));
  return r;
}

/** tshark decrypts at least three ESP frames under our inbound SPI to the gateway's inner packets, with the key file as a profile and line by line; without it they stay opaque. */
export function assertEspDecrypted(pcap: string, espKeys: string, spiIn: string): void {
  for (const withKeys of [tsharkWithProfile(pcap, { espSa: espKeys }), tsharkWithLines(pcap, { espSa: espKeys })]) {
    assert.equal(withKeys.status, 0, withKeys.stderr);
    const esps = withKeys.stdout.split(/^Frame \d+:/m).filter((f) => new RegExp(`ESP SPI: 0x${spiIn}`).test(f));
    assert.ok(esps.length >= 3, `ESP frames with our inbound SPI ${spiIn}:\n${withKeys.stdout.slice(-3000)}`);
    for (const f of esps.slice(0, 3)) {
      assert.match(f, /Src: 198\.51\.100\.1, Dst: 203\.0\.113\.1/, "decrypted to the gateway's inner packet");
      assert.match(f, /User Datagram Protocol, Src Port: \d+, Dst Port: 9\b/);
    }
  }
  const blind = spawnSync("tshark", ["-r", pcap, "-V"], { encoding: "utf8" });
  assert.doesNotMatch(blind.stdout, /Src: 198\.51\.100\.1, Dst: 203\.0\.113\.1/, "without our keys the traffic stays opaque");
}
