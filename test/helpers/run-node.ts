// Child processes of the tests (npm start, the CLI, the compiled build). They run in a fresh empty
// folder with only the variables a test gives them, so neither a filled-in .env in the repository
// nor a variable exported in the developer's shell can change what they do.
// test/env-independence.test.ts holds every test to this helper.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** the repository root (absolute) */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** tsx's loader by absolute URL: `--import tsx` would be resolved from the child's (empty) folder */
const TSX_LOADER = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** the child's whole environment besides PATH and HOME */
  env?: Record<string, string>;
  /** working folder; default a fresh empty one, removed afterwards */
  cwd?: string;
  onStdout?: (all: string, child: ChildProcess) => void;
  onStderr?: (all: string, child: ChildProcess) => void;
}

export function runNode(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const own = opts.cwd === undefined ? mkdtempSync(join(tmpdir(), 'aispend-child-')) : undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: opts.cwd ?? own,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => {
      stdout += String(d);
      opts.onStdout?.(stdout, child);
    });
    child.stderr!.on('data', (d) => {
      stderr += String(d);
      opts.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (own) rmSync(own, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** runs a TypeScript entry of the repository (e.g. src/main.ts) through tsx, as `npm start` does */
export function runTs(entry: string, args: string[] = [], opts: RunOptions = {}): Promise<RunResult> {
  return runNode(['--import', TSX_LOADER, join(REPO, entry), ...args], opts);
}
