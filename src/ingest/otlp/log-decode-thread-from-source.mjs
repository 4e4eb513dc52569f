// Starts the decode thread from TypeScript source (npm start runs tsx; tests run vitest): a worker does
// not inherit the TypeScript loader, so it registers tsx's here, then loads the thread's module.
// Compiled aispend (dist/, the image) starts log-decode-thread.js directly and never loads this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.file);
