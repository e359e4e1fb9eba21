#!/usr/bin/env node
// Shim: the CLI is built into one bundle (npm run build) so that start-up reads few files.
import { main } from "../dist/cli-bundle/main.js";

process.exitCode = await main();
