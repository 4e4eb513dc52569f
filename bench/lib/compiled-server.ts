// The ingest server runs as the image runs aispend (`node dist/main.js`): plain JavaScript, no
// TypeScript loader in the process. tsx keeps a module-loader worker thread with a V8 heap of its own
// (about 57 MB of RSS on this machine) that a deployed aispend does not have, so measured under tsx the
// server's memory was the loader's as much as aispend's. src/ and bench/ are transpiled once per phase
// process with TypeScript's transpileModule (no type check: `npm test` does that) under
// node_modules/.cache, where the compiled files still find their packages.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

let built: string | undefined;

/** the node flags `npm start` runs aispend with (the Dockerfile's CMD has the same: test/build.test.ts) */
export function productNodeFlags(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((w) => w.startsWith('--'));
}

function* tsFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) yield p;
  }
}

/** the compiled copy of bench/lib/ingest-server.ts (built on first use in this process) */
export function compiledIngestServer(root: string): string {
  if (!built) {
    const out = join(root, 'node_modules', '.cache', 'aispend-bench');
    const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true };
    for (const dir of ['src', 'bench']) {
      for (const file of tsFiles(join(root, dir))) {
        const js = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText;
        const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, js);
      }
    }
    // the package's "type": "module", so that .js files load as ES modules
    writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
    built = join(out, 'bench', 'lib', 'ingest-server.js');
  }
  return built;
}
