/** Tables fit the terminal they are shown on: wide ones wrap their widest columns at spaces, never cutting a word. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, test } from "node:test";
import { stripVTControlCharacters } from "node:util";
import { fitLines, renderTable, setTableWidth } from "../../src/report/render/table.ts";
import type { Report } from "../../src/report/model/probe.ts";

const sample = JSON.parse(readFileSync(new URL("../../examples/sample-report.json", import.meta.url), "utf8")) as Report;
const tableLines = (text: string): string[] => stripVTControlCharacters(text).split("\n").filter((l) => /^[┌│├└]/.test(l));

describe("table width", () => {
  after(() => setTableWidth(undefined));

  test("without a terminal (a pipe or a file) the tables keep their natural width", () => {
    setTableWidth(undefined);
    assert.ok(Math.max(...tableLines(renderTable(sample, false)).map((l) => l.length)) > 80, "the sample has wide tables");
  });

  for (const width of [80, 100]) {
    test(`at ${width} columns every table fits, and every word of the report is still there whole`, () => {
      setTableWidth(width);
      const text = renderTable(sample, false);
      const wide = tableLines(text).filter((l) => l.length > width);
      assert.deepEqual(wide, [], `lines wider than ${width}`);
      for (const word of [sample.phase1.offers[0]!.proposal, sample.identity.remote!.value, ...sample.identity.detail.split(/\s+/)]) {
        assert.ok(text.includes(word), `"${word}" whole in the output`);
      }
      assert.doesNotMatch(text, /…/, "nothing truncated");
    });
  }

  test("lines of text longer than the terminal break at spaces, continued indented, every word whole and in order", () => {
    setTableWidth(undefined);
    const natural = stripVTControlCharacters(renderTable(sample, true));
    const width = 60;
    const long = natural.split("\n").filter((l) => l.length > width && !/^[┌│├└]/.test(l));
    assert.ok(long.length > 0, "the sample has text lines wider than 60 columns");
    setTableWidth(width);
    const fitted = stripVTControlCharacters(renderTable(sample, true));
    const text = fitted.split("\n").filter((l) => !/^[┌│├└]/.test(l));
    const words = (t: string): string[] => t.split(/\s+/).filter((w) => w !== "");
    for (const l of text) assert.ok(l.length <= width || words(l).length === 1 || (words(l)[0]!.length > width - 2), `"${l}" is ${l.length} columns`);
    for (const l of long) {
      // The long line's words, in order, somewhere in the fitted text: its start, then continuation lines.
      const at = text.findIndex((t) => l.startsWith(t.trimEnd()) && t.trim() !== "");
      assert.ok(at >= 0, `the start of "${l}"`);
      let got = words(text[at]!);
      for (let i = at + 1; got.length < words(l).length && i < text.length; i++) {
        assert.match(text[i]!, /^ {2,}\S/, "a continuation is indented");
        got = [...got, ...words(text[i]!)];
      }
      assert.deepEqual(got, words(l));
    }
    // Colours survive: the codes are carried through, and a line without a terminal is left alone.
    assert.equal(fitLines("\u001b[1mCleanup:\u001b[22m " + "word ".repeat(30)).split("\n").length > 1, true);
    setTableWidth(undefined);
    assert.equal(fitLines("x ".repeat(100)), "x ".repeat(100));
  });

  test("text wrapped for the natural width is wrapped again at a narrowed column's width, not broken twice", () => {
    const detail = `authenticated: ${"the gateway proved knowledge of the same pre-shared key ".repeat(3)}(HASH_R verified)`;
    setTableWidth(100);
    const text = renderTable({ ...sample, identity: { ...sample.identity, detail } }, false);
    // The detail row's cells: the value column of each line from "│ detail" to the next border.
    const lines = stripVTControlCharacters(text).split("\n");
    const start = lines.findIndex((l) => /^│ detail /.test(l));
    const cell: string[] = [];
    for (let i = start; i < lines.length && lines[i]!.startsWith("│"); i++) cell.push(lines[i]!.split("│")[2]!.trim());
    assert.equal(cell.join(" "), detail, "the whole detail, in order");
    const inner = lines[start]!.split("│")[2]!.length - 2;
    for (let i = 0; i + 1 < cell.length; i++) {
      const next = cell[i + 1]!.split(" ")[0]!;
      assert.ok(cell[i]!.length + 1 + next.length > inner, `line ${i + 1} ("${cell[i]}") had room for "${next}"`);
    }
  });
});
