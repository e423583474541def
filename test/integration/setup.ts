/** Runs in every integration test file: what helpers registered with afterFile() runs after the file. */
import { afterAll } from 'vitest';
import { runFileCleanups } from '../support/cleanup.js';

afterAll(runFileCleanups);
