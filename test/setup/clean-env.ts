// Runs before every test file: the suite must not depend on the developer's shell. A variable of
// aispend's configuration exported there (SLACK_API_URL, DATABASE_PATH, …) would otherwise reach any
// code that reads the environment. Child processes get only what a test gives them (helpers/run-node.ts).
import { configKeys } from '../../src/config.js';

for (const key of configKeys()) delete process.env[key];
