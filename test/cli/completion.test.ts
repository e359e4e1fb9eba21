/**
 * `ikeprobe completion`: the bash script, run by a real bash against the built command, completes
 * commands and options; the zsh script is zsh's form; a shell we do not write for is a usage error.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { BIN, runCli } from "../helpers/cli.ts";
import { packageSkipReason } from "../lab/require.ts";

describe("ikeprobe completion", () => {
  const dir = mkdtempSync(join(tmpdir(), "ikeprobe-completion-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  // `ikeprobe` on PATH, as an installed package puts it there.
  writeFileSync(join(dir, "ikeprobe"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(dir, "ikeprobe"), 0o755);

  /** What bash completes for the words typed so far (the last one being completed), with the script loaded. */
  function complete(words: string[]): string[] {
    const script = `eval "$(ikeprobe completion bash)"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _ikeprobe_completions; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync("bash", ["-c", script], { encoding: "utf8", env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split("\n").filter((l) => l !== "");
  }

  test("bash: the script registers a completion function for ikeprobe", async () => {
    const r = await runCli(["completion"], { SHELL: "/bin/bash" });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^complete -o default -F _ikeprobe_completions ikeprobe$/m);
    assert.equal(r.stderr, "");
  });

  test("bash: commands and options complete from what the CLI knows", () => {
    assert.deepEqual(complete(["ikeprobe", "sc"]), ["scan"]);
    assert.deepEqual(complete(["ikeprobe", "psk"]), ["psk-crack"]);
    assert.deepEqual(complete(["ikeprobe", "scan", "--cata"]), ["--catalogue"]);
    assert.deepEqual(complete(["ikeprobe", "check", "--pol"]), ["--policy"]);
    assert.deepEqual(complete(["ikeprobe", "--nothing-like-this"]), []);
  });

  test("zsh: compdef form, chosen by argument or by $SHELL", async () => {
    for (const [args, env] of [[["completion", "zsh"], {}], [["completion"], { SHELL: "/usr/bin/zsh" }]] as const) {
      const r = await runCli([...args], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^#compdef ikeprobe$/m);
      assert.match(r.stdout, /^compdef _ikeprobe_completions ikeprobe$/m);
    }
  });

  test("zsh: the script loads under compinit and its call lists what fits", { skip: packageSkipReason("zsh", "/usr/bin/zsh") }, () => {
    const script = 'autoload -U compinit; compinit -u; eval "$(ikeprobe completion zsh)"; whence -w _ikeprobe_completions; words=(ikeprobe check --pol); CURRENT=3; print -l -- "${(@f)$(ikeprobe --get-yargs-completions "${(@)words[1,CURRENT]}" 2>/dev/null)}"';
    const r = spawnSync("zsh", ["-f", "-c", script], { encoding: "utf8", cwd: dir, env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, HOME: dir } });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split("\n");
    assert.equal(lines[0], "_ikeprobe_completions: function");
    assert.ok(lines.includes("--policy") && lines.includes("--junit"), r.stdout);
  });

  test("another shell is a usage error naming the choices", async () => {
    const r = await runCli(["completion", "fish"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /shell.*"fish".*"bash", "zsh"/s);
    assert.equal(r.stdout, "");
  });
});
