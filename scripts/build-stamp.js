#!/usr/bin/env node
// Marks the time of the last successful build (read by build-if-stale.js).
require('node:fs').writeFileSync(require('node:path').join(__dirname, '..', 'dist', '.build-stamp'), new Date().toISOString());
