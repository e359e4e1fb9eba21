import { readFileSync } from "node:fs";
import { Ajv } from "ajv";

const ajv = new Ajv({ allErrors: true, strict: false });

/** An assertion that a document matches examples/FILE (ajv's messages when it does not). */
function validator(file: string, what: string): (doc: unknown) => void {
  const validate = ajv.compile(JSON.parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), "utf8")) as object);
  return (doc) => {
    if (!validate(doc)) throw new Error(`${what} does not match the schema: ${ajv.errorsText(validate.errors)}`);
  };
}

export const assertValidReport = validator("report.schema.json", "report");
export const assertValidReportV2 = validator("report-ikev2.schema.json", "IKEv2 probe report");
export const assertValidScan = validator("scan.schema.json", "scan report");
export const assertValidDiagnosis = validator("diagnosis.schema.json", "diagnosis");
export const assertValidCrack = validator("psk-crack.schema.json", "psk-crack report");
