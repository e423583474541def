/**
 * The file serverless.yml's `plugins:` names. osls loads plugins with require()/import() of JavaScript,
 * so this shell loads the TypeScript plugin (plugin.ts) with tsx's scoped loader (`tsImport`: nothing is
 * registered for the rest of the process, nor for serverless-offline's function workers) during osls'
 * `asyncInit`, which osls awaits before it validates the configuration or runs any hook. Works on a fresh
 * clone after `npm ci`; the deployed bundles never contain it.
 */
import { tsImport } from 'tsx/esm/api';

/** The lifecycle events plugin.ts hooks into; each is forwarded to it. */
const HOOKS = [
  'after:package:compileEvents',
  'offline:start:init',
  'before:offline:start:end',
  'offline:functionsUpdated:cleanup',
];

export default class OfflineKafka {
  #arguments;
  #plugin;

  constructor(serverless, options) {
    this.#arguments = [serverless, options];
    this.hooks = Object.fromEntries(HOOKS.map((name) => [name, () => this.#plugin.hooks[name]()]));
  }

  async asyncInit() {
    const { OfflineKafkaPlugin } = await tsImport('./plugin.ts', import.meta.url);
    this.#plugin = new OfflineKafkaPlugin(...this.#arguments);
  }
}
