import { type Issued, issue, makeCa } from "./pki.ts";

/** One libreswan PSK connection for the lab's pluto (startLab's `libreswan`): ipsec.conf text and its secret. */
export interface LibreswanPskConn {
  name?: string;
  ikev2: boolean;
  /** libreswan's ike= line. */
  ike: string;
  /** Our side's ID as the gateway must see it; default any. */
  rightid?: string;
  psk: string;
  /** Further lines: esp=, phase2alg=, aggressive=yes, ... */
  extra?: string[];
}

export function libreswanPsk(c: LibreswanPskConn): { conns: string; secrets: string } {
  const rightid = c.rightid ?? "%any";
  const lines = [`conn ${c.name ?? "lab"}`, `ikev2=${c.ikev2 ? "yes" : "no"}`, ...(c.extra ?? []).filter((l) => l.startsWith("aggressive")), "authby=secret", "left=198.18.1.1", "leftid=@gw.lab.example", "right=%any", `rightid=${rightid}`, `ike=${c.ike}`, ...(c.extra ?? []).filter((l) => !l.startsWith("aggressive")), "leftupdown=%disabled", "auto=add"];
  return { conns: `${lines.join("\n    ")}\n`, secrets: `@gw.lab.example ${rightid} : PSK "${c.psk}"\n` };
}

/**
 * A libreswan gateway with an RSA certificate from a fresh lab CA in its NSS database
 * (authby=rsasig, leftsendcert=always, rightid=%fromcert), and a client certificate from the same
 * CA for us: the IKEv1 and IKEv2 certificate tests' gateway. `extra`: further conn lines.
 */
export function libreswanCertificates(dir: string, c: { ikev2: boolean; extra?: string[] }): { libreswan: { conns: string; secrets: string; nss: { ca: string; cert: { nickname: string; pem: string; key: string } } }; root: Issued; client: Issued } {
  const root = makeCa(dir, "root", "C=XX, O=Lab, CN=Lab Root CA");
  const gw = issue(dir, root, "gw", "C=XX, O=Lab, CN=gw.lab.example", { sans: ["gw.lab.example"] });
  const client = issue(dir, root, "client", "C=XX, O=Lab, CN=client.lab.example", { sans: ["client.lab.example"] });
  const lines = ["conn certs", `ikev2=${c.ikev2 ? "yes" : "no"}`, "authby=rsasig", "left=198.18.1.1", "leftcert=gw", "leftid=@gw.lab.example", "leftsendcert=always", "right=%any", "rightid=%fromcert", "rightca=%same", "ike=aes256-sha2_256;modp2048", ...(c.extra ?? []), "leftupdown=%disabled", "auto=add"];
  return { libreswan: { conns: `${lines.join("\n    ")}\n`, secrets: "", nss: { ca: root.cert, cert: { nickname: "gw", pem: gw.cert, key: gw.key } } }, root, client };
}
