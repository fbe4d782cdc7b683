#!/usr/bin/env node
/**
 * Process entry: `node packages/server/dist/main.js` (what `npm start` runs). Options come from
 * the environment (README "Server & API" → Options).
 */
import { runServerProcess } from './run.js';

void runServerProcess();
