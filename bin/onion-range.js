#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on load so there is no build step between `npm install` and `npm start`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../lab/cli.ts');
process.exitCode = await main(process.argv.slice(2));
