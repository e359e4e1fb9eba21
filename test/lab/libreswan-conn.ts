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
