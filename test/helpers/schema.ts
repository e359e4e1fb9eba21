import { readFileSync } from "node:fs";
import { Ajv } from "ajv";

const schema = JSON.parse(readFileSync(new URL("../../examples/report.schema.json", import.meta.url), "utf8")) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

/** Throws with ajv's messages when the document does not match examples/report.schema.json. */
export function assertValidReport(doc: unknown): void {
  if (!validate(doc)) throw new Error(`report does not match the schema: ${ajv.errorsText(validate.errors)}`);
}
