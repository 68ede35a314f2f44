#!/usr/bin/env node
// The compiled CLI (npm install runs the build through the `prepare` script).
await import('../dist/src/cli.js');
