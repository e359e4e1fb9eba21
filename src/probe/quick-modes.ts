/** Quick Mode after an authenticated Phase 1: each proposal, the child SAs, and the gateway's DELETEs of them. */
import { espEncryptionToken, integrityToken, phase2Token } from "../config/esp.js";
import { groupToken } from "../config/ike.js";
import { parseTrafficSelector } from "../config/traffic-selector.js";
import { drive, listenFor } from "../exchanges/drive.js";
import { type IsakmpSa, readInformationalDatagram } from "../exchanges/v1/isakmp-sa.js";
import { type ChildSa, QuickModeInitiator, encapsulationToken } from "../exchanges/v1/quick-mode.js";
import type { ChildSaReport, InformationalReport, Phase2ProposalReport, Report } from "../report/model/probe.js";
import type { IkeTransport } from "../transport/udp.js";
import { NotifyType, ProtocolId } from "../wire/v1/constants.js";
import { type ProbeOptions, type ProbeState, round } from "./options.js";

/** Each Quick Mode proposal in its own Quick Mode under the ISAKMP SA; `given`: the proposals and selectors. */
export async function runQuickModes(s: ProbeState, sa: IsakmpSa, transport: IkeTransport, floated: boolean, given: NonNullable<ProbeOptions["phase2"]>): Promise<NonNullable<Report["phase2"]>> {
  const { opts, stats, steps, informational, warnings, childKeys } = s;
  // IDci and IDcr go together (RFC 2409 §5.5): a missing one is the peer's own address.
  const p2 = { ...given };
  if (given.localTs !== undefined && given.remoteTs === undefined) p2.remoteTs = parseTrafficSelector(sa.remote.address, "--remote-ts");
  if (given.remoteTs !== undefined && given.localTs === undefined) p2.localTs = parseTrafficSelector(sa.local.address, "--local-ts");
  const out: NonNullable<Report["phase2"]> = {
    mode: p2.proposals[0]?.mode ?? "tunnel",
    localTs: p2.localTs?.text ?? null,
    remoteTs: p2.remoteTs?.text ?? null,
    proposals: [],
  };
  for (const [i, proposal] of p2.proposals.entries()) {
    const token = phase2Token(proposal);
    if (opts.signal?.aborted) {
      out.proposals.push({ proposal: token, protocol: proposal.protocol, status: "not-attempted", detail: "interrupted", transmissions: 0 });
      continue;
    }
    opts.onProgress?.(`Quick Mode ${i + 1}/${p2.proposals.length}: ${proposal.protocol} ${token}`);
    const qm = new QuickModeInitiator(sa, { proposal, ...(p2.localTs ? { localTs: p2.localTs } : {}), ...(p2.remoteTs ? { remoteTs: p2.remoteTs } : {}) });
    stats.exchanges++;
    const driven = await drive(qm, transport, { floated, stats });
    const rt = driven.exchanged[0] ?? { answered: false, rttMs: 0, transmissions: 0 };
    steps.push({ proposal: `${proposal.protocol} ${token}`, step: "qm1", answered: rt.answered, rttMs: round(rt.rttMs), transmissions: rt.transmissions });
    const r = qm.result;
    informational.push(...r.informational);
    warnings.push(...r.warnings.map((w) => `${token}: ${w}`));
    const rep: Phase2ProposalReport = { proposal: token, protocol: proposal.protocol, status: r.status, transmissions: rt.transmissions };
    if (rt.answered) rep.rttMs = round(rt.rttMs);
    if (r.notify !== undefined) rep.notify = r.notify.name;
    if (r.detail !== undefined) rep.detail = r.detail;
    if (r.sa !== undefined) {
      const c = r.sa;
      const child = childSaReport(c);
      if (opts.showKeys) child.keys = c.keys;
      childKeys.push({ protocol: c.protocol, encryption: child.encryption, integrity: child.integrity, keys: c.keys });
      rep.sa = child;
      if (c.commitBit) {
        // Commit bit (RFC 2408 §3.1, RFC 2409 §5.5): the SA is usable only after the gateway's
        // protected CONNECTED notify; wait for it, bounded by --timeout.
        opts.onProgress?.(`waiting for the gateway's CONNECTED notify (commit bit) for ${token}`);
        const got = await listenFor(transport, (d) => {
          const info = readInformationalDatagram(sa, d);
          if (info === undefined || !info.notifies.some((n) => n.type === NotifyType.CONNECTED)) return false; // others go to `unsolicited`
          informational.push(info);
          return true;
        }, opts.timeoutMs, stats);
        child.connected = got;
        if (!got) warnings.push(`${token}: the gateway set the commit bit but sent no CONNECTED notify within ${opts.timeoutMs / 1000} s`);
      }
    }
    out.proposals.push(rep);
  }
  return out;
}


/** The report of an IPsec SA set up (keys added only with --show-keys). */
function childSaReport(c: ChildSa): ChildSaReport {
  const enc = c.encapsulation;
  return {
    protocol: c.protocol,
    encryption: c.protocol === "esp" ? espEncryptionToken(c.transformId, c.keyBits) : null,
    keyLength: c.keyBits ?? null,
    integrity: integrityToken(c.authAlg),
    pfsGroup: c.pfsGroup !== null ? groupToken(c.pfsGroup) : null,
    mode: enc === 2 || enc === 4 || enc === 61444 ? "transport" : "tunnel",
    encapsulation: encapsulationToken(enc),
    spiIn: c.spiIn.toString("hex"),
    spiOut: c.spiOut.toString("hex"),
    lifetimeSeconds: c.lifetimeSeconds,
    lifetimeKilobytes: c.lifetimeKilobytes,
    localTs: c.localTs,
    remoteTs: c.remoteTs,
    commitBit: c.commitBit,
    mismatches: c.mismatches,
    deletedByGateway: false,
  };
}

/** A DELETE from the gateway naming one of our SPIs: the SA is gone (strongSwan does this when it cannot install it). */
export function markDeletedByGateway(children: ChildSaReport[], informational: InformationalReport[], warnings: string[]): void {
  for (const c of children) {
    const gone = informational.some((i) => i.deletes.some((d) => d.protocolId === (c.protocol === "esp" ? ProtocolId.IPSEC_ESP : ProtocolId.IPSEC_AH) && (d.spis.includes(c.spiIn) || d.spis.includes(c.spiOut))));
    if (gone && !c.deletedByGateway) {
      c.deletedByGateway = true;
      warnings.push(`the gateway deleted the IPsec SA with SPIs ${c.spiIn}/${c.spiOut} right after setting it up (it may have failed to install it)`);
    }
  }
}
