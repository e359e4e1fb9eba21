/**
 * What follows an authenticated Phase 1, in order: an Aggressive Mode gateway's refusal of message 3,
 * XAUTH, Mode-Config, DPD, Quick Mode, the hold, and the DELETEs (child SAs first, then the ISAKMP SA).
 */
import { parseTrafficSelector } from "../config/traffic-selector.js";
import { DPD_VID } from "../data/vendor-ids.js";
import { type IsakmpSa, buildInformational, isakmpDelete } from "../exchanges/v1/isakmp-sa.js";
import type { Phase1Initiator, Phase1Result } from "../exchanges/v1/phase1/index.js";
import type { InformationalReport } from "../report/model/probe.js";
import { notAttempted } from "../report/build/probe.js";
import { IsakmpSession } from "./session.js";
import { sleep } from "../util/sleep.js";
import type { IkeTransport } from "../transport/udp.js";
import { DOI_IPSEC, NotifyType, PayloadType, ProtocolId } from "../wire/v1/constants.js";
import { encodeDelete } from "../wire/v1/payloads/delete.js";
import { type ProbeState, XAUTH_METHODS, settleMs } from "./options.js";
import { markDeletedByGateway, runQuickModes } from "./quick-modes.js";

/** Runs everything under the authenticated ISAKMP SA of `mm`, then deletes what was set up. */
export async function underSa(s: ProbeState, mm: Phase1Initiator, transport: IkeTransport, floated: boolean, firstRttMs: number): Promise<void> {
  const { opts, stats, informational, unsolicited } = s;
  const r = mm.result;
  const sa = mm.isakmpSa();
  // From here on the gateway may send protected messages at any time: the session keeps them.
  const session = new IsakmpSession(sa, transport, floated, stats, informational, unsolicited);
  const settle = settleMs(firstRttMs, opts.timeoutMs);
  let refused = false;
  if (opts.aggressive === true) {
    // Nothing answers message 3; a gateway that refuses our HASH_I says so about a round trip later.
    await sleep(settle, opts.signal);
    refused = refusedAm3(r, informational);
  }
  if (refused && opts.phase2 !== undefined) s.phase2 = notAttempted(opts.phase2, "the gateway refused Aggressive Mode message 3");
  const xauthRequired = XAUTH_METHODS.has(r.selected?.transform.auth ?? 0);
  if (xauthRequired) opts.onProgress?.("waiting for the gateway's XAUTH request");
  if (!refused) s.xauth = await session.xauth(opts.xauth, xauthRequired ? opts.timeoutMs : 0, opts.timeoutMs, xauthRequired);
  const xauth = s.xauth;
  const xauthBlocks = xauth !== null && (xauth.status === "required" || xauth.status === "failed" || xauth.status === "error");
  if (xauth !== null && !xauthBlocks && (xauth.status === "authenticated" || opts.modeConfig === true)) {
    opts.onProgress?.("Mode-Config");
    s.modeConfig = await session.modeConfig(settle);
  }
  if (opts.dpd === true && !refused && xauth?.status !== "failed") {
    opts.onProgress?.("Dead Peer Detection: R-U-THERE");
    s.dpd = await session.dpd(r.vendorIds.some((v) => v.toString("hex") === DPD_VID));
  }
  if (opts.phase2 !== undefined && xauthBlocks) {
    s.phase2 = notAttempted(opts.phase2, `XAUTH not completed (${xauth?.status ?? "?"})`);
  } else if (opts.phase2 !== undefined && !refused) {
    // A Mode-Config address is our inner address: the gateway expects it as our selector.
    const p2 = s.modeConfig?.address != null && opts.phase2.localTs === undefined ? { ...opts.phase2, localTs: parseTrafficSelector(s.modeConfig.address, "Mode-Config address") } : opts.phase2;
    s.phase2 = await runQuickModes(s, sa, transport, floated, p2);
  }
  if (refused) {
    // The gateway dropped the exchange when it refused our HASH_I: there is no SA to delete.
    s.cleanupDetail = "nothing to delete: the gateway refused Aggressive Mode message 3 and dropped the exchange";
    return;
  }
  if ((opts.holdSeconds ?? 0) > 0 && !opts.signal?.aborted) {
    opts.onProgress?.(`holding the SAs for ${opts.holdSeconds} s (Ctrl-C ends the hold and cleans up)`);
    await sleep((opts.holdSeconds ?? 0) * 1000, opts.signal);
  } else if (s.phase2?.proposals.some((q) => q.status === "accepted")) {
    // A gateway that cannot install an SA says so right after Quick Mode message 3 (a DELETE),
    // about one round trip later: listen that long (3x the slowest Quick Mode round trip, at
    // least SETTLE_MIN_MS) so the report does not call such an SA established.
    const rtt = Math.max(0, ...(s.phase2?.proposals ?? []).map((q) => q.rttMs ?? 0));
    await sleep(settleMs(rtt, opts.timeoutMs), opts.signal);
  }
  await deleteAll(s, sa, transport, floated);
}

/** DELETEs for every IPsec SA (both SPIs) and then the ISAKMP SA, encrypted; the report told what went. */
async function deleteAll(s: ProbeState, sa: IsakmpSa, transport: IkeTransport, floated: boolean): Promise<void> {
  const { stats, informational, warnings } = s;
  const children = (s.phase2?.proposals ?? []).flatMap((q) => (q.sa !== undefined ? [q.sa] : []));
  markDeletedByGateway(children, informational, warnings);
  if (children.length > 0) {
    // Both SPIs of every IPsec SA we set up; the gateway deletes the one it knows as outbound (ours in).
    const dels = (["esp", "ah"] as const).flatMap((proto) => {
      const spis = children.filter((c) => c.protocol === proto).flatMap((c) => [Buffer.from(c.spiIn, "hex"), Buffer.from(c.spiOut, "hex")]);
      const protocolId = proto === "esp" ? ProtocolId.IPSEC_ESP : ProtocolId.IPSEC_AH;
      return spis.length > 0 ? [{ type: PayloadType.DELETE, body: encodeDelete({ doi: DOI_IPSEC, protocolId, spiSize: 4, spis }) }] : [];
    });
    await transport.send(buildInformational(sa, dels), floated);
    stats.packetsSent++;
    s.childSasDeleted = children.flatMap((c) => [c.spiIn, c.spiOut]);
  }
  await transport.send(isakmpDelete(sa), floated);
  stats.packetsSent++;
  s.deleted = true;
  s.cleanupDetail =
    children.length > 0
      ? `sent encrypted DELETEs for ${children.length} IPsec SA(s) (SPIs ${s.childSasDeleted.join(", ")}) and then for the ISAKMP SA`
      : "sent an encrypted Informational DELETE for the ISAKMP SA";
  // No wait after it: transport.send resolves on the socket's send callback, when the DELETE has
  // left; gateways do not answer a DELETE.
}

/**
 * Aggressive Mode: an error notify under the new SA right after our message 3 means the gateway
 * refused our HASH_I (or the way we sent it); the identity is then not authenticated after all.
 */
function refusedAm3(r: Phase1Result, informational: InformationalReport[]): boolean {
  const err = informational.flatMap((i) => i.notifies).find((n) => n.type < 16384);
  if (err === undefined || r.identity === undefined) return false;
  r.identity = {
    status: err.type === NotifyType.INVALID_ID_INFORMATION ? "rejected" : "psk-mismatch",
    cause: err.type === NotifyType.INVALID_ID_INFORMATION ? "invalid-id" : err.type === NotifyType.AUTHENTICATION_FAILED || err.type === NotifyType.INVALID_HASH_INFORMATION ? "authentication-failed" : "refused",
    detail: `the gateway proved the same PSK (HASH_R verified) but refused our message 3 with ${err.name}: it did not accept our HASH_I${
      err.type === NotifyType.INVALID_FLAGS || err.type === NotifyType.PAYLOAD_MALFORMED ? "; it may expect message 3 unencrypted (try --am3-clear)" : ""
    }`,
    evidence: `${err.name} (encrypted, HASH verified) after Aggressive Mode message 3`,
    notify: { type: err.type, name: err.name, protected: true },
    ...(r.identity.remoteId !== undefined ? { remoteId: r.identity.remoteId } : {}),
  };
  return true;
}

