/**
 * Identities in words where a DN is involved: an ID payload of type DER_ASN1_DN (what certificate
 * peers send by default, strongSwan's too) shows as its one-line DN, not as hex; and our own ID by
 * default when we authenticate with a certificate: its subject (RFC 4945 §3.1.5), as strongSwan does.
 */
import { IdType } from "../wire/v1/constants.js";
import { type Identification, describeId } from "../wire/v1/payloads/identification.js";
import { subjectDer } from "./certificate.js";
import { derNameText } from "./name.js";

export function describeIdentity(id: Identification): { type: string; value: string } {
  const described = describeId(id);
  if (id.idType !== IdType.DER_ASN1_DN) return described;
  try {
    return { type: described.type, value: derNameText(id.data) };
  } catch {
    return described;
  }
}

/** Our ID as the subject DN of our certificate (DER). */
export function certificateSubjectIdentity(certDer: Buffer): Identification {
  return { idType: IdType.DER_ASN1_DN, protocolId: 0, port: 0, data: subjectDer(certDer) };
}
