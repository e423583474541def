/**
 * The file serverless.yml's `plugins:` names for the local gateway (plugin.ts), loaded with tsx's scoped
 * loader like src/serverless-kafka-events/serverless-plugin.mjs (osls loads plugins as JavaScript).
 */
import { tsImport } from 'tsx/esm/api';

export default class OfflineGateway {
  #serverless;
  #plugin;

  constructor(serverless) {
    this.#serverless = serverless;
    this.hooks = { 'offline:start:init': () => this.#plugin.hooks['offline:start:init']() };
  }

  async asyncInit() {
    const { OfflineGatewayPlugin } = await tsImport('./plugin.ts', import.meta.url);
    this.#plugin = new OfflineGatewayPlugin(this.#serverless);
  }
}
