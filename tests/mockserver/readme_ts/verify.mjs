// Runs the README's TypeScript verification snippet: node verify.mjs SNIPPET.ts SECRET HEADERS.json BODY_FILE
// Transpiles the snippet with TypeScript, imports it from this folder (so `standardwebhooks` resolves to the
// locked copy), calls its verifiedEvent and prints the event as JSON; a failed verification exits 1 naming it.
import { readFileSync, writeFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const [snippet, secret, headersFile, bodyFile] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const js = ts.transpileModule(readFileSync(snippet, "utf8"), {
  compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
}).outputText;
const compiled = join(here, `.snippet-${process.pid}.mjs`);
writeFileSync(compiled, js);
try {
  const { verifiedEvent } = await import(compiled);
  const headers = JSON.parse(readFileSync(headersFile, "utf8"));
  const event = verifiedEvent(secret, headers, readFileSync(bodyFile, "utf8"));
  process.stdout.write(JSON.stringify(event));
} catch (error) {
  process.stderr.write(`${error.name}: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(compiled, { force: true });
}
