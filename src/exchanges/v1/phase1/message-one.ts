/** Message 1 of either mode: our SA, what the mode adds (AM: KE, Ni, IDii), our vendor IDs (IKE fragmentation unless off). */
import { DPD_VID, FRAGMENTATION_VID, NAT_T_VIDS } from "../../../data/vendor-ids.js";
import { PayloadType } from "../../../wire/v1/constants.js";
import type { OutgoingPayload } from "../../../wire/v1/message.js";
import type { Phase1Config } from "./types.js";

export function messageOnePayloads(saiB: Buffer, cfg: Phase1Config, modePayloads: readonly OutgoingPayload[]): OutgoingPayload[] {
  const payloads: OutgoingPayload[] = [{ type: PayloadType.SA, body: saiB }, ...modePayloads];
  if (cfg.natT !== "off") for (const v of NAT_T_VIDS) payloads.push({ type: PayloadType.VENDOR_ID, body: Buffer.from(v.hex, "hex") });
  payloads.push({ type: PayloadType.VENDOR_ID, body: Buffer.from(DPD_VID, "hex") });
  if (cfg.fragmentation !== undefined && cfg.fragmentation.mode !== "off") payloads.push({ type: PayloadType.VENDOR_ID, body: Buffer.from(FRAGMENTATION_VID, "hex") });
  return payloads;
}
