/** PEM blocks (RFC 7468): the certificates of a file, in order, as DER. */

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every block of `label` in the text, decoded; other blocks are skipped. */
export function pemBlocks(text: string, label: string): Buffer[] {
  const out: Buffer[] = [];
  for (const m of text.matchAll(BLOCK)) if (m[1] === label) out.push(Buffer.from(m[2]!.replace(/[^A-Za-z0-9+/=]/g, ""), "base64"));
  return out;
}

export function toPem(der: Buffer, label = "CERTIFICATE"): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
