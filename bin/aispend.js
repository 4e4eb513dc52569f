#!/usr/bin/env node
// `npx aispend …`. In a checkout (dev dependencies installed) it runs the TypeScript source through
// tsx, so it is never a stale build; where tsx is absent (the Docker image: production dependencies
// only) it runs the compiled dist/ that `npm run build` wrote.
let tsx;
try {
  tsx = await import('tsx/esm/api');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
}
if (tsx) {
  tsx.register();
  await import('../src/cli/main.ts');
} else {
  await import('../dist/cli/main.js');
}
