import { readFileSync } from "node:fs";
import { Ajv } from "ajv";

const schema = JSON.parse(readFileSync(new URL("../../examples/report.schema.json", import.meta.url), "utf8")) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

/** Throws with ajv's messages when the document does not match examples/report.schema.json. */
export function assertValidReport(doc: unknown): void {
  if (!validate(doc)) throw new Error(`report does not match the schema: ${ajv.errorsText(validate.errors)}`);
}

const scanSchema = JSON.parse(readFileSync(new URL("../../examples/scan.schema.json", import.meta.url), "utf8")) as object;
const validateScan = ajv.compile(scanSchema);

/** Throws when the document does not match examples/scan.schema.json. */
export function assertValidScan(doc: unknown): void {
  if (!validateScan(doc)) throw new Error(`scan report does not match the schema: ${ajv.errorsText(validateScan.errors)}`);
}

const diagnosisSchema = JSON.parse(readFileSync(new URL("../../examples/diagnosis.schema.json", import.meta.url), "utf8")) as object;
const validateDiagnosis = ajv.compile(diagnosisSchema);

/** Throws when the document does not match examples/diagnosis.schema.json. */
export function assertValidDiagnosis(doc: unknown): void {
  if (!validateDiagnosis(doc)) throw new Error(`diagnosis does not match the schema: ${ajv.errorsText(validateDiagnosis.errors)}`);
}

const crackSchema = JSON.parse(readFileSync(new URL("../../examples/psk-crack.schema.json", import.meta.url), "utf8")) as object;
const validateCrack = ajv.compile(crackSchema);

/** Throws when the document does not match examples/psk-crack.schema.json. */
export function assertValidCrack(doc: unknown): void {
  if (!validateCrack(doc)) throw new Error(`psk-crack report does not match the schema: ${ajv.errorsText(validateCrack.errors)}`);
}
