/**
 * The report parts of what runs under an established ISAKMP SA: XAUTH, Mode-Config, DPD and messages
 * nobody asked for, built from the machines' outcomes (exchanges/v1/xauth.ts, mode-config.ts, dpd.ts).
 */
import { CFG_TYPE_NAMES, type AttributePayload as CfgPayload } from "../../wire/v1/payloads/attribute.js";
import { type Attribute as CfgAttribute, CfgAttr, attrBytes, attrInt, attributeName } from "../../wire/v1/attributes.js";
import { bytesToIp } from "../../wire/ip.js";
import type { XauthOutcome } from "../../exchanges/v1/xauth.js";
import type { DpdReport, ModeConfigReport, UnsolicitedReport, XauthReport } from "../model/probe.js";

const cfgAttrName = (type: number): string => attributeName("config", type);

export interface XauthContext {
  user: string | undefined;
  waitMs: number;
  timeoutMs: number;
  /** The gateway chose an XAUTH method, so it should have asked. */
  required: boolean;
  rttMs: number;
}

export function xauthReport(o: XauthOutcome, c: XauthContext): XauthReport {
  if (o.kind === "not-requested") {
    const waited = o.kind === "not-requested" && c.required;
    return {
      status: "not-requested",
      requested: [],
      detail: waited ? `the gateway chose an XAUTH authentication method but started no XAUTH exchange within ${(c.waitMs / 1000).toFixed(1)} s` : "the gateway did not ask for XAUTH",
      message: null,
      rttMs: null,
    };
  }
  const req = o.request.cfg;
  const requested = req.attributes.map((a) => cfgAttrName(a.type));
  const message = textAttr(req.attributes, CfgAttr.XAUTH_MESSAGE);
  const typeAttr = req.attributes.find((a) => a.type === CfgAttr.XAUTH_TYPE);
  const xauthType = typeAttr !== undefined ? attrInt(typeAttr) : 0;
  const demand = `the gateway demands XAUTH (user name and password)${xauthType !== 0 ? `, XAUTH type ${xauthType}` : ""}${message !== null ? `; its message: "${message}"` : ""}`;
  switch (o.kind) {
    case "required":
      return { status: "required", requested, detail: `${demand}: give --xauth-user and --xauth-password-file to complete it`, message, rttMs: null };
    case "unanswerable":
      return {
        status: "error",
        requested,
        detail: `${demand}; it asks for ${o.unanswerable.map(cfgAttrName).join(", ") || `XAUTH type ${o.xauthType}`}, which ikeprobe cannot answer (only generic user name and password)`,
        message,
        rttMs: null,
      };
    case "no-status":
      return { status: "error", requested, detail: `${demand}; we answered, but the gateway sent no XAUTH status within ${c.timeoutMs / 1000} s`, message, rttMs: null };
    case "no-status-attribute":
      return { status: "error", requested, detail: `${demand}; after our answer the gateway sent ${CFG_TYPE_NAMES[o.set.cfg.cfgType] ?? o.set.cfg.cfgType} without an XAUTH status`, message, rttMs: c.rttMs };
    case "status": {
      const setMessage = textAttr(o.set.cfg.attributes, CfgAttr.XAUTH_MESSAGE) ?? message;
      return o.ok
        ? { status: "authenticated", requested, detail: `XAUTH completed: the gateway accepted user "${c.user ?? ""}" (XAUTH_STATUS OK)`, message: setMessage, rttMs: c.rttMs }
        : {
            status: "failed",
            requested,
            detail: `XAUTH failed: the gateway refused user "${c.user ?? ""}" or its password (XAUTH_STATUS FAIL); check --xauth-user and the password file`,
            message: setMessage,
            rttMs: c.rttMs,
          };
    }
  }
}

export function modeConfigNoResponse(transmissions: number): ModeConfigReport {
  return { status: "no-response", mode: "pull", detail: `the gateway did not answer our Mode-Config request (${transmissions} sent)`, attributes: [], address: null, netmask: null, dns: [], domain: null, banner: null, splitNetworks: [], rttMs: null };
}

export function dpdReport(announced: boolean, acked: boolean, sequence: number, transmissions: number, rttMs: number): DpdReport {
  if (!acked) {
    return {
      announced,
      answered: false,
      rttMs: null,
      sequence,
      transmissions,
      detail: `no R-U-THERE-ACK after ${transmissions} R-U-THERE(s)${announced ? "" : "; the gateway did not announce DPD (no DPD vendor ID), so it may not support it"}`,
    };
  }
  const rounded = Math.round(rttMs * 100) / 100;
  return { announced, answered: true, rttMs: rounded, sequence, transmissions, detail: `the gateway answered R-U-THERE (sequence ${sequence}) with R-U-THERE-ACK in ${rounded.toFixed(1)} ms` };
}

function textAttr(attrs: CfgAttribute[], type: number): string | null {
  const a = attrs.find((x) => x.type === type && x.format !== "tv" && attrBytes(x).length > 0);
  return a === undefined ? null : printable(attrBytes(a).toString("utf8"));
}

/** Gateway-supplied text, shown in a terminal: control characters escaped. */
function printable(s: string): string {
  let out = "";
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    out += (code < 0x20 && ch !== "\t" && ch !== "\n") || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : ch;
  }
  return out;
}

/** An address attribute: 4 bytes IPv4, 16 IPv6 (INTERNAL_IP6_ADDRESS adds a prefix-length byte). */
function ip(b: Buffer): string | null {
  if (b.length === 4) return bytesToIp(b);
  if (b.length >= 16) return bytesToIp(b.subarray(0, 16));
  return null;
}

/** Address and mask pairs (INTERNAL_IP4_SUBNET, UNITY_SPLIT_INCLUDE: 4+4 bytes, Unity adds 6 more per entry). */
function ip4Subnets(b: Buffer, stride: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= b.length; i += stride) {
    const bits = maskBits(b.readUInt32BE(i + 4));
    out.push(`${[...b.subarray(i, i + 4)].join(".")}/${bits ?? [...b.subarray(i + 4, i + 8)].join(".")}`);
  }
  return out;
}

function maskBits(mask: number): number | null {
  for (let n = 0; n <= 32; n++) if ((n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0) === mask >>> 0) return n;
  return null;
}

function attrValueText(a: CfgAttribute): string {
  const value = attrBytes(a);
  switch (a.type) {
    case CfgAttr.INTERNAL_IP4_ADDRESS:
    case CfgAttr.INTERNAL_IP4_NETMASK:
    case CfgAttr.INTERNAL_IP4_DNS:
    case CfgAttr.INTERNAL_IP4_NBNS:
    case CfgAttr.INTERNAL_IP4_DHCP:
    case CfgAttr.INTERNAL_IP6_ADDRESS:
    case CfgAttr.INTERNAL_IP6_DNS:
    case CfgAttr.INTERNAL_IP6_NBNS:
      return ip(value) ?? value.toString("hex");
    case CfgAttr.INTERNAL_IP4_SUBNET:
      return ip4Subnets(value, 8).join(", ");
    case CfgAttr.UNITY_SPLIT_INCLUDE:
    case CfgAttr.UNITY_SPLIT_EXCLUDE:
      return ip4Subnets(value, 14).join(", ");
    case CfgAttr.APPLICATION_VERSION:
    case CfgAttr.UNITY_BANNER:
    case CfgAttr.UNITY_DEF_DOMAIN:
    case CfgAttr.UNITY_SPLIT_DOMAIN:
      return printable(value.toString("utf8"));
    default:
      return a.format === "tv" || value.length <= 4 ? String(attrInt(a)) : value.toString("hex");
  }
}

export function modeConfigReport(mode: "pull" | "push", cfg: CfgPayload, rttMs: number | null): ModeConfigReport {
  const attributes = cfg.attributes.filter((a) => attrBytes(a).length > 0).map((a) => ({ type: a.type, name: cfgAttrName(a.type), value: attrValueText(a) }));
  const first = (t: number): string | null => attributes.find((a) => a.type === t)?.value ?? null;
  const all = (...ts: number[]): string[] => attributes.filter((a) => ts.includes(a.type)).flatMap((a) => a.value.split(", ").filter((v) => v !== ""));
  const address = first(CfgAttr.INTERNAL_IP4_ADDRESS) ?? first(CfgAttr.INTERNAL_IP6_ADDRESS);
  return {
    status: attributes.length > 0 ? "received" : "empty",
    mode,
    detail: attributes.length > 0 ? `the gateway ${mode === "push" ? "pushed" : "returned"} ${attributes.length} Mode-Config attribute(s)` : "the gateway answered Mode-Config without any attribute",
    attributes,
    address,
    netmask: first(CfgAttr.INTERNAL_IP4_NETMASK),
    dns: all(CfgAttr.INTERNAL_IP4_DNS, CfgAttr.INTERNAL_IP6_DNS),
    domain: first(CfgAttr.UNITY_DEF_DOMAIN),
    banner: first(CfgAttr.UNITY_BANNER),
    splitNetworks: all(CfgAttr.INTERNAL_IP4_SUBNET, CfgAttr.UNITY_SPLIT_INCLUDE),
    rttMs,
  };
}


/** The words for a message for our SA outside our exchanges (`verified`: its HASH(1), null when not protected under a message ID). */
export function unsolicitedReport(exchange: string, exchangeType: number, messageId: number, encrypted: boolean, verified: boolean | null): UnsolicitedReport {
  const base = { exchange, exchangeType, messageId };
  const midHex = `0x${messageId.toString(16).padStart(8, "0")}`;
  if (verified === null) {
    return { ...base, verified: null, detail: `a ${exchange} message (message ID ${midHex}${!encrypted ? ", in clear" : ""}) outside any exchange we run: a late re-send of Phase 1` };
  }
  return {
    ...base,
    verified,
    detail: verified
      ? `the gateway started a ${exchange} of its own (message ID ${midHex}, HASH(1) verified): not answered, ikeprobe only initiates`
      : `a ${exchange} message (message ID ${midHex}) for our SA that does not verify under our keys: not answered`,
  };
}
